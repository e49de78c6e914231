
-- grant_client( role, flow_slugs )
-- Makes role a client of the given flows (null: every flow, those created
-- later included): it may start runs of them (start_flow, start_flows,
-- start_flow_with_states), read them (get_run_with_states; select on flows,
-- steps, deps, runs, step_states, step_tasks, where row-level security shows
-- it the rows of its flows only; signals too), cancel, pause and resume
-- them and send signals to their signal steps (send_signal); a run of
-- another flow is to it a run that does not exist. It needs no privilege on
-- pgmq: start_flow sends the messages as pgflow's owner. Calls add up: a
-- second call adds flows, and after a null call the role has every flow;
-- revoke_all takes everything back. Raises undefined_object for an unknown
-- flow, granting nothing. The flows are recorded in pgflow.grants, which
-- _authorize_client and the row-level security policies read. Only pgflow's
-- owner calls it.
create function pgflow.grant_client(role regrole, flow_slugs text[] default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role    name := pgflow._assert_may_grant('grant_client', grant_client.role,
                                             'select pgflow.grant_client(''my_app'', array[''my_flow'']);');
  v_fn      regprocedure;
  v_unknown text;
begin
  if array_position(grant_client.flow_slugs, null) is not null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow_slugs must not contain null',
      hint    = 'Pass the slugs of existing flows, or null (not an array) for every flow.';
  end if;
  select u.s into v_unknown
    from unnest(grant_client.flow_slugs) as u(s)
   where not exists (select from pgflow.flows as f where f.flow_slug = u.s)
   limit 1;
  if found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(v_unknown, 200)),
      hint    = 'Grant a client the flows it uses, after creating them with pgflow.create_flow(), or null for every flow.';
  end if;

  insert into pgflow.grants (role, kind, flow_slug)
  select grant_client.role, 'client', u.s
    from unnest(coalesce(grant_client.flow_slugs, array[null::text])) as u(s)
  on conflict on constraint grants_role_kind_flow_slug_key do nothing;

  execute format('grant usage on schema pgflow to %I', v_role);
  -- every overload of these functions; names that do not exist (yet) are
  -- skipped. _authorize_client and _readable_flows: start_flow_with_states
  -- and the row-level security policies call them as the client, and the
  -- metrics functions _metrics_since.
  for v_fn in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.proname = any(array['start_flow', 'start_flows', 'start_flow_with_states', 'get_run_with_states',
                                              'cancel_run', 'pause_run', 'resume_run', 'retry_run', 'subscribe', 'send_signal',
                                              'metrics_runs', 'metrics_tasks', 'metrics_queues', 'metrics_throughput',
                                              'metrics_task_durations', 'metrics_stalled_tasks', 'list_failed_runs',
                                              'get_flow_shape', '_authorize_client', '_readable_flows', '_metrics_since'])
     order by p.oid
  loop
    execute format('grant execute on function %s to %I', v_fn, v_role);
  end loop;
  execute format('grant select on table pgflow.flows, pgflow.steps, pgflow.deps, pgflow.runs, '
                 'pgflow.step_states, pgflow.step_tasks, pgflow.signals to %I', v_role);
end;
$$;

comment on function pgflow.grant_client(regrole, text[]) is
  'lets a role start, read, cancel, pause and resume runs of the given flows (null: every flow), and nothing else';
