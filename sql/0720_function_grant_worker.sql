
-- grant_worker( role, flow_slugs )
-- Makes role a worker of the given flows (null: every flow that exists now;
-- call it again for flows created later): it may run the worker protocol
-- (register_worker, heartbeat_worker, stop_worker, start_tasks,
-- complete_task, fail_task, set_vt_batch) on those flows, and read and hide
-- their queues' messages (usage on schema pgmq, select and update on
-- pgmq.q_<flow>, for pgmq.read, read_with_poll and set_vt). Nothing else:
-- no table of pgflow, no other flow. Raises undefined_object for an unknown
-- flow, granting nothing. Records each flow in pgflow.grants, and usage on
-- schema pgmq only when the role did not hold it already (then revoke_all
-- leaves a usage that somebody else granted). Only pgflow's owner calls it.
create function pgflow.grant_worker(role regrole, flow_slugs text[] default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role    name := pgflow._assert_may_grant('grant_worker', grant_worker.role,
                                             'select pgflow.grant_worker(''my_worker'', array[''my_flow'']);');
  v_fn      regprocedure;
  v_unknown text;
  v_flow    text;
begin
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

  execute format('grant usage on schema pgflow to %I', v_role);
  -- usage on pgmq: granted (and recorded) only when the role holds none of
  -- its own; one pgflow granted before stays pgflow's
  if not exists (select from pgflow.grants as g where g.role = grant_worker.role and g.kind = 'pgmq_usage')
     and not exists (select from pg_catalog.pg_namespace as n, pg_catalog.aclexplode(n.nspacl) as a
                      where n.oid = 'pgmq'::regnamespace and a.grantee = grant_worker.role
                        and a.privilege_type = 'USAGE') then
    insert into pgflow.grants (role, kind, flow_slug) values (grant_worker.role, 'pgmq_usage', null);
  end if;
  execute format('grant usage on schema pgmq to %I', v_role);
  -- every overload of these functions; names that do not exist (yet) are skipped
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname = any(array['register_worker', 'heartbeat_worker', 'stop_worker',
                                              'start_tasks', 'complete_task', 'complete_tasks', 'fail_task',
                                              'set_vt_batch', 'get_flow_shape'])
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
    insert into pgflow.grants (role, kind, flow_slug) values (grant_worker.role, 'worker', v_flow)
    on conflict on constraint grants_role_kind_flow_slug_key do nothing;
  end loop;
end;
$$;

comment on function pgflow.grant_worker(regrole, text[]) is
  'lets a role run the worker protocol on the given flows (null: every existing flow), and nothing else';
