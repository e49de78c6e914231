
-- grant_admin( role )
-- Makes role an administrator: it defines flows (create_flow, add_step and,
-- where they exist, ensure_flow, set_flow_options, set_step_options,
-- get_flow_shape, delete_flow_and_data), schedules them (schedule_flow,
-- unschedule_flow), runs the upkeep (requeue_stalled_tasks, prune,
-- schedule_maintenance, stop_worker, check_invariants) and reads every table
-- of pgflow, every row (recorded in pgflow.grants, for the row-level
-- security policies). It does not start runs or work tasks, and cannot hand
-- out privileges. Only pgflow's owner calls it.
create function pgflow.grant_admin(role regrole)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role name := pgflow._assert_may_grant('grant_admin', grant_admin.role, 'select pgflow.grant_admin(''my_admin'');');
  v_fn   regprocedure;
begin
  insert into pgflow.grants (role, kind, flow_slug) values (grant_admin.role, 'admin', null)
  on conflict on constraint grants_role_kind_flow_slug_key do nothing;

  execute format('grant usage on schema pgflow to %I', v_role);
  -- every overload of these functions; names that do not exist (yet) are
  -- skipped. _readable_flows: the row-level security policies call it;
  -- _metrics_since: the metrics functions do.
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname = any(array['create_flow', 'add_step', 'ensure_flow', 'set_flow_options',
                                              'set_step_options', 'get_flow_shape', 'delete_flow_and_data',
                                              'schedule_flow', 'unschedule_flow', 'requeue_stalled_tasks',
                                              'prune', 'schedule_maintenance', 'list_schedules', 'stop_worker', 'check_invariants',
                                              'metrics_runs', 'metrics_tasks', 'metrics_queues', 'metrics_throughput',
                                              'metrics_task_durations', 'metrics_stalled_tasks', 'list_failed_runs',
                                              '_readable_flows', '_metrics_since'])
     order by p.oid
  loop
    execute format('grant execute on function %s to %I', v_fn, v_role);
  end loop;
  execute format('grant select on all tables in schema pgflow to %I', v_role);
end;
$$;

comment on function pgflow.grant_admin(regrole) is
  'lets a role define, schedule and maintain flows, and read every pgflow table';
