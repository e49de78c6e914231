
-- grant_worker( role, flow_slugs )
-- Makes role a worker of the given flows (null: every flow that exists now;
-- call it again for flows created later): it may run the worker protocol
-- (register_worker, heartbeat_worker, stop_worker, start_tasks,
-- complete_task, fail_task, set_vt_batch) on those flows, and read and hide
-- their queues' messages (usage on schema pgmq, select and update on
-- pgmq.q_<flow>, for pgmq.read, read_with_poll and set_vt). Nothing else:
-- no table of pgflow, no other flow. Raises undefined_object for an unknown
-- flow, granting nothing. Only pgflow's owner calls it.
create function pgflow.grant_worker(role regrole, flow_slugs text[] default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role    name;
  v_fn      regprocedure;
  v_unknown text;
  v_flow    text;
begin
  -- only a role that may pass pgflow's privileges on: the owner, a superuser,
  -- or a role holding them with grant option
  if not pg_catalog.has_function_privilege(current_user, 'pgflow.start_tasks(text,bigint[],uuid)'::regprocedure,
                                           'EXECUTE WITH GRANT OPTION') then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('role "%s" may not call pgflow.grant_worker', current_user),
      hint    = 'Only the owner of the pgflow extension (or a superuser) hands out pgflow''s privileges.';
  end if;
  if grant_worker.role is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'role must not be null',
      hint    = 'Name an existing role: select pgflow.grant_worker(''my_worker'', array[''my_flow'']);';
  end if;
  if array_position(grant_worker.flow_slugs, null) is not null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow_slugs must not contain null',
      hint    = 'Pass the slugs of existing flows, or null (not an array) for every flow.';
  end if;
  select u.s into v_unknown
    from unnest(grant_worker.flow_slugs) as u(s)
   where not exists (select from pgflow.flows as f where f.flow_slug = u.s)
   limit 1;
  if found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(v_unknown, 200)),
      hint    = 'Grant a worker the flows it serves, after creating them with pgflow.create_flow().';
  end if;
  select r.rolname into v_role from pg_catalog.pg_roles as r where r.oid = grant_worker.role;

  execute format('grant usage on schema pgflow to %I', v_role);
  execute format('grant usage on schema pgmq to %I', v_role);
  -- every overload of these functions; names that do not exist (yet) are skipped
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname = any(array['register_worker', 'heartbeat_worker', 'stop_worker',
                                              'start_tasks', 'complete_task', 'complete_tasks', 'fail_task',
                                              'set_vt_batch'])
     order by p.oid
  loop
    execute format('grant execute on function %s to %I', v_fn, v_role);
  end loop;
  for v_flow in
    select f.flow_slug from pgflow.flows as f
     where grant_worker.flow_slugs is null or f.flow_slug = any(grant_worker.flow_slugs)
     order by f.flow_slug
  loop
    execute format('grant select, update on table pgmq.%I to %I', 'q_' || lower(v_flow), v_role);
  end loop;
end;
$$;

comment on function pgflow.grant_worker(regrole, text[]) is
  'lets a role run the worker protocol on the given flows (null: every existing flow), and nothing else';
