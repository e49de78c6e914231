
-- list_schedules()
-- pgflow's pg_cron jobs (pgflow.schedules) with what pg_cron holds of each:
-- schedule, command and whether it is active, read from cron.job here or,
-- where pg_cron runs from another database, there through dblink
-- (_cron_remote), for the jobs recorded here only. Those three are null for a
-- job someone removed behind pgflow's back, and for every job where pg_cron
-- cannot be reached from this database (_cron_place() is null): the records
-- are listed all the same. One row per job, by job name.
create function pgflow.list_schedules()
returns table (job_name text, flow_slug text, jobid bigint, schedule text, command text, active boolean,
               created_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
declare
  v_place text := pgflow._cron_place();
  v_jobs  jsonb := '[]'::jsonb;
begin
  if v_place = 'here' then
    execute format($q$
      select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'jobid', j.jobid, 'schedule', j.schedule, 'command', j.command, 'active', j.active)), '[]')
        from %s as j where j.jobid in (select s.jobid from pgflow.schedules as s)$q$, pgflow._cron_job_table())
      into v_jobs;
  elsif v_place = 'remote' and exists (select from pgflow.schedules) then
    v_jobs := pgflow._cron_remote(
      format($remote$
select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
         'jobid', j.jobid, 'schedule', j.schedule, 'command', j.command, 'active', j.active)), '[]')
  from cron.job as j
 where j.jobid = any (%L::bigint[]) and j.username = current_user and j.database = %L
$remote$, (select pg_catalog.array_agg(s.jobid) from pgflow.schedules as s), pg_catalog.current_database()),
      'select * from cron.job;');
  end if;
  return query
    select s.job_name, s.flow_slug, s.jobid, j.schedule, j.command, j.active, s.created_at
      from pgflow.schedules as s
      left join pg_catalog.jsonb_to_recordset(v_jobs) as j (jobid bigint, schedule text, command text, active boolean)
        on j.jobid = s.jobid
     order by s.job_name;
end;
$$;

comment on function pgflow.list_schedules() is
  'pgflow''s pg_cron jobs with their schedule, command and state, wherever pg_cron runs';
