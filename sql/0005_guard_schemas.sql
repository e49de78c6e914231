
-- Schemas pgflow trusts. pgflow's SECURITY DEFINER functions run as the role
-- installing it and call into schemas pgflow and pgmq by name; a schema's
-- owner can create objects in it (a better-matching overload, say) that
-- those calls would then run. CREATE EXTENSION uses schema pgflow if it
-- exists already (left behind by a dropped pgflow, or made by anyone with
-- CREATE on the database), so both must belong to the installing role or a
-- superuser.
do $guard$
declare
  v_schema text;
  v_owner  name;
begin
  foreach v_schema in array array['pgflow', 'pgmq'] loop
    select r.rolname into v_owner
      from pg_catalog.pg_namespace as n
      join pg_catalog.pg_roles as r on r.oid = n.nspowner
     where n.nspname = v_schema and r.rolname <> current_user and not r.rolsuper;
    if found then
      raise exception using
        errcode = 'insufficient_privilege',
        message = format('schema "%s" belongs to role "%s", which pgflow cannot trust', v_schema, v_owner),
        hint    = format('pgflow runs as %I and calls into schema %I: drop the schema, or give it to %I or a superuser (alter schema %I owner to ...).',
                         current_user, v_schema, current_user, v_schema);
    end if;
  end loop;
end;
$guard$;
