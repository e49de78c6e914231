
-- start_flow_with_states( flow_slug, input, run_id, idempotency_key )
-- start_flow, returning the new run (or, for a key a run holds already, that
-- run) with its step states as get_run_with_states does. Two statements: a
-- stable function in the statement that starts the run would read a
-- snapshot without it.
create function pgflow.start_flow_with_states(flow_slug text, input jsonb, run_id uuid default null,
                                              idempotency_key text default null)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run_id uuid;
begin
  perform pgflow._authorize_client(start_flow_with_states.flow_slug);
  select r.run_id into v_run_id
    from pgflow.start_flow(start_flow_with_states.flow_slug, start_flow_with_states.input,
                           start_flow_with_states.run_id, start_flow_with_states.idempotency_key) as r;
  return pgflow.get_run_with_states(v_run_id);
end;
$$;

comment on function pgflow.start_flow_with_states(text, jsonb, uuid, text) is
  'starts a run and returns it with its step states, as get_run_with_states';
