
-- start_flow_with_states( flow_slug, input, run_id )
-- start_flow, returning the new run with its step states as get_run_with_states
-- does. Two statements: a stable function in the statement that starts the run
-- would read a snapshot without it.
create function pgflow.start_flow_with_states(flow_slug text, input jsonb, run_id uuid default null)
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
                           start_flow_with_states.run_id) as r;
  return pgflow.get_run_with_states(v_run_id);
end;
$$;

comment on function pgflow.start_flow_with_states(text, jsonb, uuid) is
  'starts a run and returns it with its step states, as get_run_with_states';
