
-- start_flow_with_states( flow_slug, input, run_id )
-- start_flow, returning the new run with its step states as get_run_with_states does.
create function pgflow.start_flow_with_states(flow_slug text, input jsonb, run_id uuid default null)
returns jsonb
language sql
volatile
set search_path = ''
as $$
  select pgflow.get_run_with_states(r.run_id)
    from pgflow.start_flow(flow_slug, input, run_id) as r;
$$;

comment on function pgflow.start_flow_with_states(text, jsonb, uuid) is
  'starts a run and returns it with its step states, as get_run_with_states';
