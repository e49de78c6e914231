
-- _cron_function( signatures )
-- The first of these pg_cron functions (say 'cron.unschedule(name)',
-- 'cron.unschedule(text)': versions differ) that exists and is a member of
-- the pg_cron extension installed in this database. A function found by
-- name alone could be anyone's: a role with CREATE on the database can make
-- a schema cron where pg_cron is not installed, and pgflow's definer
-- functions would run its functions as pgflow's owner. Raises
-- feature_not_supported where pg_cron is not installed in this database.
-- pg_cron stays optional: pgflow does not require it, and callers reach it
-- through EXECUTE so that pgflow installs and compiles without it.
create function pgflow._cron_function(variadic signatures text[])
returns regprocedure
language plpgsql
stable
set search_path = ''
as $$
declare
  v_function regprocedure;
begin
  select to_regprocedure(s.signature) into v_function
    from unnest(_cron_function.signatures) with ordinality as s (signature, i)
   where exists (select from pg_catalog.pg_depend as d
                   join pg_catalog.pg_extension as e on e.oid = d.refobjid and e.extname = 'pg_cron'
                  where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = to_regprocedure(s.signature)
                    and d.refclassid = 'pg_catalog.pg_extension'::regclass and d.deptype = 'e')
   order by s.i
   limit 1;
  if v_function is null then
    raise exception using
      errcode = 'feature_not_supported',
      message = format('pg_cron is not installed in database "%s"', current_database()),
      hint    = 'Run create extension pg_cron; it must be in shared_preload_libraries and cron.database_name must name this database.';
  end if;
  return v_function;
end;
$$;
