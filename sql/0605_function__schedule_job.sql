
-- _schedule_job( job_name, schedule, command, flow_slug )
-- Schedules (or reschedules) one of pgflow's pg_cron jobs and records it in
-- pgflow.schedules; returns pg_cron's job id. pg_cron knows jobs by name per
-- user, and pgflow's jobs run as its owner, so a name can already belong to
-- a job the owner scheduled by hand: that job is left alone and the call is
-- refused (duplicate_object). A job pgflow scheduled is replaced in place;
-- one of its records whose job someone removed with cron.unschedule is
-- scheduled anew.
-- Where pg_cron runs from another database of the cluster (_cron_place()
-- = 'remote'), the job is made there with cron.schedule_in_database through
-- _cron_remote, to run in this database as pgflow's owner, under the name
-- <job_name>@<this database> (pg_cron's names are one namespace per user for
-- the whole cluster: the same job name in two databases must not collide).
-- Such a job is made at once, outside the caller's transaction.
-- The schedule is at most 256 characters (pg_cron checks its syntax); the
-- job name, as pg_cron stores it, at most 63 bytes.
create function pgflow._schedule_job(job_name text, schedule text, command text, flow_slug text)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_local    boolean := exists (select from pg_catalog.pg_extension as e where e.extname = 'pg_cron');
  v_schedule regprocedure;
  v_jobs     regclass;
  v_cron     text := case when v_local then _schedule_job.job_name
                          else _schedule_job.job_name || '@' || pg_catalog.current_database() end;
  v_ours     bigint;
  v_taken    bigint;
  v_job_id   bigint;
  v_result   jsonb;
begin
  if pg_catalog.length(_schedule_job.schedule) > 256 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('schedule of job "%s" is %s characters long, more than 256',
                       left(_schedule_job.job_name, 200), pg_catalog.length(_schedule_job.schedule)),
      hint    = 'Pass a cron schedule, such as ''*/5 * * * *''.';
  end if;
  if pg_catalog.octet_length(v_cron) > 63 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('cron job name "%s" is %s bytes long, more than 63', left(v_cron, 200), pg_catalog.octet_length(v_cron)),
      hint    = case when v_local then 'pg_cron keeps job names of at most 63 bytes: choose a shorter name.'
                     else 'pg_cron keeps job names of at most 63 bytes, and names a job made from another database <job_name>@<database>: choose a shorter name.' end;
  end if;

  select s.jobid into v_ours from pgflow.schedules as s where s.job_name = _schedule_job.job_name for update;

  if not v_local then
    v_result := pgflow._cron_remote(
      format($remote$
with taken as (select j.jobid, j.database from cron.job as j where j.jobname = %1$L and j.username = current_user)
select case when exists (select from taken as t where t.jobid is distinct from %2$L::bigint or t.database is distinct from %3$L)
            then pg_catalog.jsonb_build_object('taken', true)
            else pg_catalog.jsonb_build_object('jobid', cron.schedule_in_database(%1$L, %4$L, %5$L, %3$L, current_user::text, true)) end
$remote$, v_cron, v_ours, pg_catalog.current_database(), _schedule_job.schedule, _schedule_job.command),
      format('select cron.schedule_in_database(%L, %L, %L, %L, %L);',
             v_cron, _schedule_job.schedule, _schedule_job.command, pg_catalog.current_database(), current_user));
    if v_result ? 'taken' then
      raise exception using
        errcode = 'duplicate_object',
        message = format('cron job "%s" exists and was not scheduled by pgflow in database "%s"',
                         left(v_cron, 200), pg_catalog.current_database()),
        hint    = 'pgflow replaces and removes only the jobs it scheduled (pgflow.schedules): choose another job name. '
                  'A job made from a transaction that then rolled back is not recorded: remove it with cron.unschedule in pg_cron''s database.';
    end if;
    v_job_id := (v_result ->> 'jobid')::bigint;
  else
    v_schedule := pgflow._cron_function('cron.schedule(text, text, text)');
    v_jobs     := pgflow._cron_job_table();
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
  end if;

  insert into pgflow.schedules as s (job_name, jobid, flow_slug)
  values (_schedule_job.job_name, v_job_id, _schedule_job.flow_slug)
  on conflict on constraint schedules_pkey do update set jobid = excluded.jobid, flow_slug = excluded.flow_slug;
  return v_job_id;
end;
$$;
