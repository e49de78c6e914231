
-- grant_client( role )
-- Makes role a client: it may start runs (start_flow, start_flow_with_states),
-- read them (get_run_with_states; select on flows, steps, deps, runs,
-- step_states, step_tasks) and, where the functions exist, cancel, pause and
-- resume them. It needs no privilege on pgmq: start_flow sends the messages
-- as pgflow's owner. Only pgflow's owner calls it.
create function pgflow.grant_client(role regrole)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role name;
begin
  perform pgflow._assert_grantor('grant_client');
  if grant_client.role is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'role must not be null',
      hint    = 'Name an existing role: select pgflow.grant_client(''my_app'');';
  end if;
  select r.rolname into v_role from pg_catalog.pg_roles as r where r.oid = grant_client.role;

  execute format('grant usage on schema pgflow to %I', v_role);
  perform pgflow._grant_execute(v_role, array['start_flow', 'start_flow_with_states', 'get_run_with_states',
                                              'cancel_run', 'pause_run', 'resume_run']);
  execute format('grant select on table pgflow.flows, pgflow.steps, pgflow.deps, pgflow.runs, '
                 'pgflow.step_states, pgflow.step_tasks to %I', v_role);
end;
$$;

comment on function pgflow.grant_client(regrole) is
  'lets a role start, read, cancel, pause and resume runs, and nothing else';
