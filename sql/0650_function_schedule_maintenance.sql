
-- schedule_maintenance( schedule, prune_older_than )
-- Schedules pgflow's upkeep with pg_cron: job pgflow_requeue_stalled_tasks
-- every minute, and job pgflow_prune on the schedule, deleting runs finished
-- more than prune_older_than ago. Calling it again replaces both jobs.
-- Returns the two job ids. As for schedule_flow, jobs of those names that
-- pgflow did not make are left alone (duplicate_object). Needs pg_cron in this database,
-- or in the database cron.database_name names with dblink here to reach it
-- (feature_not_supported otherwise). The prune job, whose schedule the caller
-- gives, is scheduled first: a schedule pg_cron refuses leaves no job behind,
-- even where jobs are made in another database at once.
-- The interval goes into the command in ISO 8601 ('P7D'), which reads back
-- the same under every IntervalStyle.
create function pgflow.schedule_maintenance(schedule text default '*/5 * * * *',
                                            prune_older_than interval default '7 days')
returns bigint[]
language plpgsql
volatile
security definer
set search_path = ''
set intervalstyle = 'iso_8601'
as $$
declare
  v_prune bigint;
begin
  if schedule_maintenance.schedule is null or schedule_maintenance.prune_older_than is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'schedule and prune_older_than must not be null',
      hint    = 'Leave them out to get the defaults: ''*/5 * * * *'' and interval ''7 days''.';
  end if;
  if schedule_maintenance.prune_older_than < interval '0' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('prune_older_than must not be negative, got %s', schedule_maintenance.prune_older_than),
      hint    = 'Pass how old a finished run must be to go, such as interval ''7 days''.';
  end if;

  v_prune := pgflow._schedule_job('pgflow_prune', schedule_maintenance.schedule,
                                  format('select pgflow.prune(%L::interval)', schedule_maintenance.prune_older_than::text), null);
  return array[pgflow._schedule_job('pgflow_requeue_stalled_tasks', '* * * * *', 'select pgflow.requeue_stalled_tasks()', null),
               v_prune];
end;
$$;

comment on function pgflow.schedule_maintenance(text, interval) is
  'schedules requeue_stalled_tasks every minute and prune on the schedule with pg_cron';
