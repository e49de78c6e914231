
-- schedule_flow( job_name, schedule, flow_slug, input )
-- Schedules a pg_cron job that starts a run of the flow with the input on the
-- cron schedule, and returns the job's id. The job's command only ever holds
-- the flow slug and the input as quoted literals:
--   select pgflow.start_flow('<flow_slug>', '<input>'::jsonb)
-- A job of the same name that schedule_flow or schedule_maintenance made is
-- replaced; a job of that name that pgflow did not make is left alone and the
-- call refused (duplicate_object; see _schedule_job). Needs pg_cron in this
-- database, or in the database cron.database_name names with dblink here to
-- reach it (_cron_remote; feature_not_supported otherwise, with a hint that
-- prints the SQL to run there instead). The job runs as pgflow's owner. The
-- job name is at most 63 bytes, the input at most 1 MB as text.
create function pgflow.schedule_flow(job_name text, schedule text, flow_slug text, input jsonb default '{}')
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if schedule_flow.job_name is null or schedule_flow.job_name = '' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = 'job name must not be null or empty',
      hint    = 'Name the job: a name of its own replaces no other job, the same name replaces that job.';
  end if;
  if pg_catalog.octet_length(schedule_flow.job_name) > 63 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('job name "%s" is %s bytes long, more than 63',
                       left(schedule_flow.job_name, 200), pg_catalog.octet_length(schedule_flow.job_name)),
      hint    = 'pg_cron keeps job names of at most 63 bytes: choose a shorter name.';
  end if;
  if schedule_flow.schedule is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('schedule of job "%s" must not be null', left(schedule_flow.job_name, 200)),
      hint    = 'Pass a cron schedule, such as ''*/5 * * * *''.';
  end if;
  if not exists (select from pgflow.flows as f where f.flow_slug = schedule_flow.flow_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', coalesce(left(schedule_flow.flow_slug, 200), 'NULL')),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;
  if schedule_flow.input is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('input of job "%s" must not be null', left(schedule_flow.job_name, 200)),
      hint    = 'Pass a JSON value: ''{}'' for no input, ''null''::jsonb for JSON null.';
  end if;
  if pg_catalog.octet_length(schedule_flow.input::text) > 1048576 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('input of job "%s" is %s bytes long as text, more than 1048576',
                       left(schedule_flow.job_name, 200), pg_catalog.octet_length(schedule_flow.input::text)),
      hint    = 'A scheduled input is part of the cron command: keep it small, and let the first step load the data.';
  end if;

  return pgflow._schedule_job(schedule_flow.job_name, schedule_flow.schedule,
                              format('select pgflow.start_flow(%L, %L::jsonb)',
                                     schedule_flow.flow_slug, schedule_flow.input::text),
                              schedule_flow.flow_slug);
end;
$$;

comment on function pgflow.schedule_flow(text, text, text, jsonb) is
  'schedules a pg_cron job that starts a run of the flow with the input; the same job name replaces pgflow''s job';
