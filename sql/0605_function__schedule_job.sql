
-- _schedule_job( job_name, schedule, command, flow_slug )
-- Schedules (or reschedules) one of pgflow's pg_cron jobs and records it in
-- pgflow.schedules; returns pg_cron's job id. pg_cron knows jobs by name per
-- user, and pgflow's jobs run as its owner, so a name can already belong to
-- a job the owner scheduled by hand: that job is left alone and the call is
-- refused (duplicate_object). A job pgflow scheduled is replaced in place;
-- one of its records whose job someone removed with cron.unschedule is
-- scheduled anew.
create function pgflow._schedule_job(job_name text, schedule text, command text, flow_slug text)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_schedule regprocedure := pgflow._cron_function('cron.schedule(text, text, text)');
  v_jobs     regclass     := pgflow._cron_job_table();
  v_ours     bigint;
  v_taken    bigint;
  v_job_id   bigint;
begin
  select s.jobid into v_ours from pgflow.schedules as s where s.job_name = _schedule_job.job_name for update;
  execute format('select j.jobid from %s as j where j.jobname = $1 and j.username = current_user', v_jobs)
    into v_taken
    using _schedule_job.job_name;
  if v_taken is distinct from v_ours and v_taken is not null then
    raise exception using
      errcode = 'duplicate_object',
      message = format('cron job "%s" exists and was not scheduled by pgflow', left(_schedule_job.job_name, 200)),
      hint    = 'pgflow replaces and removes only the jobs it scheduled (pgflow.schedules): choose another job name.';
  end if;

  execute format('select %s($1::text, $2::text, $3::text)', v_schedule::regproc)
    into v_job_id
    using _schedule_job.job_name, _schedule_job.schedule, _schedule_job.command;
  insert into pgflow.schedules as s (job_name, jobid, flow_slug)
  values (_schedule_job.job_name, v_job_id, _schedule_job.flow_slug)
  on conflict on constraint schedules_pkey do update set jobid = excluded.jobid, flow_slug = excluded.flow_slug;
  return v_job_id;
end;
$$;
