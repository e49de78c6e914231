
-- _citus_function( name )
-- The schema-qualified name ('pg_catalog.create_reference_table') of the
-- Citus function called name, found only among the members of the citus
-- extension installed in this database, for distribute() to call through
-- EXECUTE with named arguments. A function found by name alone could be
-- anyone's (see _cron_function): here every function of that name in the
-- schema must be a member of citus, so that no overload another role made
-- can win the call. Raises feature_not_supported where citus is not
-- installed in this database or has no such function (a Citus too old).
-- Citus stays optional: pgflow installs and compiles without it.
create function pgflow._citus_function(name text)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_schema name;
  v_namespace oid;
begin
  select n.nspname, n.oid into v_schema, v_namespace
    from pg_catalog.pg_proc as p
    join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
    join pg_catalog.pg_depend as d on d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid
                                  and d.refclassid = 'pg_catalog.pg_extension'::regclass and d.deptype = 'e'
    join pg_catalog.pg_extension as e on e.oid = d.refobjid and e.extname = 'citus'
   where p.proname = _citus_function.name
   order by n.nspname = 'pg_catalog' desc, n.nspname
   limit 1;
  if v_schema is null then
    if not exists (select from pg_catalog.pg_extension as e where e.extname = 'citus') then
      raise exception using
        errcode = 'feature_not_supported',
        message = format('citus is not installed in database "%s"', pg_catalog.current_database()),
        hint    = 'Distribute pgflow on a Citus coordinator: citus in shared_preload_libraries, create extension citus, then add the worker nodes.';
    end if;
    raise exception using
      errcode = 'feature_not_supported',
      message = format('the citus extension in database "%s" has no function "%s"', pg_catalog.current_database(), _citus_function.name),
      hint    = 'pgflow.distribute() needs Citus 11 or later.';
  end if;
  -- every overload of that name in the schema belongs to citus
  if exists (select from pg_catalog.pg_proc as p
              where p.pronamespace = v_namespace and p.proname = _citus_function.name
                and not exists (select from pg_catalog.pg_depend as d
                                  join pg_catalog.pg_extension as e on e.oid = d.refobjid and e.extname = 'citus'
                                 where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid
                                   and d.refclassid = 'pg_catalog.pg_extension'::regclass and d.deptype = 'e')) then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('function %I.%I has an overload that is not part of the citus extension', v_schema, _citus_function.name),
      hint    = 'Drop the function that does not belong to Citus, then call pgflow.distribute() again.';
  end if;
  return pg_catalog.format('%I.%I', v_schema, _citus_function.name);
end;
$$;
