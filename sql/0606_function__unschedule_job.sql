
-- _unschedule_job( job_name )
-- Removes one of pgflow's pg_cron jobs (a row of pgflow.schedules) and its
-- record; a job that someone already removed with cron.unschedule just
-- loses its record. A name pgflow did not schedule is undefined_object, even
-- where a job of that name exists: pgflow removes only its own jobs.
create function pgflow._unschedule_job(job_name text)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_unschedule regprocedure := pgflow._cron_function('cron.unschedule(bigint)');
  v_jobs       regclass     := pgflow._cron_job_table();
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
  execute format('select exists (select from %s as j where j.jobid = $1 and j.username = current_user)', v_jobs)
    into v_exists
    using v_ours;
  if v_exists then
    execute format('select %s($1::bigint)', v_unschedule::regproc) using v_ours;
  end if;
  delete from pgflow.schedules as s where s.job_name = _unschedule_job.job_name;
  return true;
end;
$$;
