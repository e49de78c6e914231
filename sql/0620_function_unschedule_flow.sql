
-- unschedule_flow( job_name )
-- Removes one of pgflow's pg_cron jobs (scheduled by schedule_flow or
-- schedule_maintenance, listed in pgflow.schedules); any other name is an
-- error (undefined_object), even where a job of that name exists: pgflow
-- touches only its own jobs. Needs pg_cron in this database, or in the
-- database cron.database_name names with dblink here to reach it
-- (_cron_remote; feature_not_supported otherwise).
create function pgflow.unschedule_flow(job_name text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if unschedule_flow.job_name is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'job name must not be null',
      hint    = 'Name a job that schedule_flow or schedule_maintenance made (see pgflow.schedules).';
  end if;
  return pgflow._unschedule_job(unschedule_flow.job_name);
end;
$$;

comment on function pgflow.unschedule_flow(text) is
  'removes a pg_cron job that schedule_flow or schedule_maintenance made';
