
-- _cron_job_table()
-- pg_cron's job table (cron.job), found as _cron_function finds its
-- functions: a member of the pg_cron extension installed in this database.
-- Raises feature_not_supported where pg_cron is not installed here.
create function pgflow._cron_job_table()
returns regclass
language plpgsql
stable
set search_path = ''
as $$
declare
  v_table regclass := to_regclass('cron.job');
begin
  if v_table is null
     or not exists (select from pg_catalog.pg_depend as d
                      join pg_catalog.pg_extension as e on e.oid = d.refobjid and e.extname = 'pg_cron'
                     where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = v_table
                       and d.refclassid = 'pg_catalog.pg_extension'::regclass and d.deptype = 'e') then
    raise exception using
      errcode = 'feature_not_supported',
      message = format('pg_cron is not installed in database "%s"', current_database()),
      hint    = 'Run create extension pg_cron; it must be in shared_preload_libraries and cron.database_name must name this database.';
  end if;
  return v_table;
end;
$$;
