
-- unschedule_flow( job_name )
-- Removes the current user's pg_cron job of that name (one scheduled by
-- schedule_flow or schedule_maintenance); an unknown job is an error.
-- Needs pg_cron in this database (feature_not_supported otherwise).
create function pgflow.unschedule_flow(job_name text)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the cron call it runs is dynamic, so the check cannot see that it writes)
declare
  v_unschedule regprocedure := pgflow._cron_function('cron.unschedule(name)', 'cron.unschedule(text)');
  v_exists     boolean;
  v_removed    boolean;
begin
  execute format('select exists (select from %s as j where j.jobname = $1 and j.username = current_user)',
                 coalesce(to_regclass('cron.job')::text, 'cron.job'))
    into v_exists
    using unschedule_flow.job_name;
  if not v_exists then
    raise exception using
      errcode = 'undefined_object',
      message = format('cron job "%s" does not exist', coalesce(unschedule_flow.job_name, 'NULL')),
      hint    = 'Look the jobs of the current user up in cron.job.';
  end if;

  execute format('select %s($1)', v_unschedule::regproc)
    into v_removed
    using unschedule_flow.job_name;
  return v_removed;
end;
$$;

comment on function pgflow.unschedule_flow(text) is
  'removes a pg_cron job by name, such as one scheduled by schedule_flow';
