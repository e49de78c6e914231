
-- schedule_flow( job_name, schedule, flow_slug, input )
-- Schedules a pg_cron job that starts a run of the flow with the input on the
-- cron schedule, and returns the job's id. The job's command only ever holds
-- the flow slug and the input as quoted literals:
--   select pgflow.start_flow('<flow_slug>', '<input>'::jsonb)
-- A job of the same name (and user) is replaced, as cron.schedule does.
-- Needs pg_cron in this database (feature_not_supported otherwise).
create function pgflow.schedule_flow(job_name text, schedule text, flow_slug text, input jsonb default '{}')
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_schedule regprocedure;
  v_job_id   bigint;
begin
  if schedule_flow.job_name is null or schedule_flow.job_name = '' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = 'job name must not be null or empty',
      hint    = 'Name the job: a name of its own replaces no other job, the same name replaces that job.';
  end if;
  if schedule_flow.schedule is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('schedule of job "%s" must not be null', schedule_flow.job_name),
      hint    = 'Pass a cron schedule, such as ''*/5 * * * *''.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = schedule_flow.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', coalesce(schedule_flow.flow_slug, 'NULL')),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;
  if schedule_flow.input is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('input of job "%s" must not be null', schedule_flow.job_name),
      hint    = 'Pass a JSON value: ''{}'' for no input, ''null''::jsonb for JSON null.';
  end if;

  v_schedule := pgflow._cron_function('cron.schedule(text, text, text)');
  execute format('select %s($1, $2, $3)', v_schedule::regproc)
    into v_job_id
    using schedule_flow.job_name, schedule_flow.schedule,
          format('select pgflow.start_flow(%L, %L::jsonb)', schedule_flow.flow_slug, schedule_flow.input::text);
  return v_job_id;
end;
$$;

comment on function pgflow.schedule_flow(text, text, text, jsonb) is
  'schedules a pg_cron job that starts a run of the flow with the input; the same job name replaces the job';
