
-- grant_admin( role )
-- Makes role an administrator: it defines flows (create_flow, add_step and,
-- where they exist, ensure_flow, set_flow_options, set_step_options,
-- get_flow_shape, delete_flow_and_data), schedules them (schedule_flow,
-- unschedule_flow), runs the upkeep (requeue_stalled_tasks, prune,
-- schedule_maintenance, stop_worker, check_invariants) and reads every table
-- of pgflow. It does not start runs or work tasks, and cannot hand out
-- privileges. Only pgflow's owner calls it.
create function pgflow.grant_admin(role regrole)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role name;
  v_fn   regprocedure;
begin
  -- only a role that may pass pgflow's privileges on: the owner, a superuser,
  -- or a role holding them with grant option
  if not pg_catalog.has_function_privilege(current_user, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                           'EXECUTE WITH GRANT OPTION') then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not call pgflow.grant_admin', current_user),
      hint    = 'Only the owner of the pgflow extension (or a superuser) hands out pgflow''s privileges.';
  end if;
  if grant_admin.role is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'role must not be null',
      hint    = 'Name an existing role: select pgflow.grant_admin(''my_admin'');';
  end if;
  select r.rolname into v_role from pg_catalog.pg_roles as r where r.oid = grant_admin.role;

  execute format('grant usage on schema pgflow to %I', v_role);
  -- every overload of these functions; names that do not exist (yet) are skipped
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname = any(array['create_flow', 'add_step', 'ensure_flow', 'set_flow_options',
                                              'set_step_options', 'get_flow_shape', 'delete_flow_and_data',
                                              'schedule_flow', 'unschedule_flow', 'requeue_stalled_tasks',
                                              'prune', 'schedule_maintenance', 'stop_worker', 'check_invariants'])
     order by p.oid
  loop
    execute format('grant execute on function %s to %I', v_fn, v_role);
  end loop;
  execute format('grant select on all tables in schema pgflow to %I', v_role);
end;
$$;

comment on function pgflow.grant_admin(regrole) is
  'lets a role define, schedule and maintain flows, and read every pgflow table';
