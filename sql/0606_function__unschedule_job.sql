
-- _unschedule_job( job_name )
-- Removes one of pgflow's pg_cron jobs (a row of pgflow.schedules) and its
-- record; a job that someone already removed with cron.unschedule just
-- loses its record. A name pgflow did not schedule is undefined_object, even
-- where a job of that name exists: pgflow removes only its own jobs.
-- Where pg_cron runs from another database (_cron_place() = 'remote') the
-- job is removed there through _cron_remote, and only while it is still the
-- one recorded: its id, pgflow's owner's, set to run in this database.
create function pgflow._unschedule_job(job_name text)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_unschedule regprocedure;
  v_jobs       regclass;
  v_ours       bigint;
  v_exists     boolean;
begin
  select s.jobid into v_ours from pgflow.schedules as s where s.job_name = _unschedule_job.job_name for update;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('pgflow scheduled no cron job "%s"', left(_unschedule_job.job_name, 200)),
      hint    = 'pgflow removes only the jobs it scheduled (see pgflow.schedules); remove others with cron.unschedule().';
  end if;
  if exists (select from pg_catalog.pg_extension as e where e.extname = 'pg_cron') then
    v_unschedule := pgflow._cron_function('cron.unschedule(bigint)');
    v_jobs       := pgflow._cron_job_table();
    execute format('select exists (select from %s as j where j.jobid = $1 and j.username = current_user)', v_jobs)
      into v_exists
      using v_ours;
    if v_exists then
      execute format('select %s($1::bigint)', v_unschedule::regproc) using v_ours;
    end if;
  else
    perform pgflow._cron_remote(
      format($remote$
select pg_catalog.jsonb_build_object('removed', pg_catalog.count(cron.unschedule(j.jobid)))
  from cron.job as j
 where j.jobid = %L::bigint and j.username = current_user and j.database = %L
$remote$, v_ours, pg_catalog.current_database()),
      format('select cron.unschedule(%s); then, in this database: delete from pgflow.schedules where job_name = %L;',
             v_ours, _unschedule_job.job_name));
  end if;
  delete from pgflow.schedules as s where s.job_name = _unschedule_job.job_name;
  return true;
end;
$$;
