
-- _cron_place()
-- Where pgflow's scheduling functions find pg_cron from this database:
-- 'here' when the pg_cron extension is installed in it; 'remote' when
-- pg_cron runs its jobs from another database of the cluster
-- (cron.database_name) and a trusted dblink is installed here to reach it
-- (_dblink_function); null when neither (_cron_remote says why, and what to
-- do). 'remote' says nothing of whether pg_cron is installed over there:
-- _cron_remote checks that on every call.
create function pgflow._cron_place()
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when exists (select from pg_catalog.pg_extension as e where e.extname = 'pg_cron') then 'here'
    when nullif(pg_catalog.current_setting('cron.database_name', true), '') is distinct from pg_catalog.current_database()
         and nullif(pg_catalog.current_setting('cron.database_name', true), '') is not null
         and pgflow._dblink_function() is not null then 'remote'
  end;
$$;
