
-- start_flow( flow_slug, input, run_id )
-- Starts a run: the run row, one step_state per step, and tasks for every step
-- whose dependencies are met (root steps). run_id may be chosen by the caller
-- (an idempotency key of sorts); a run_id that exists already is an error.
create function pgflow.start_flow(flow_slug text, input jsonb, run_id uuid default null)
returns setof pgflow.runs
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
begin
  if start_flow.input is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('input of a run of flow "%s" must not be null', start_flow.flow_slug),
      hint    = 'Pass a JSON value: ''{}'' for no input, ''null''::jsonb for JSON null.';
  end if;
  return query select * from pgflow._start_runs(start_flow.flow_slug, array[start_flow.input], array[start_flow.run_id]);
end;
$$;

comment on function pgflow.start_flow(text, jsonb, uuid) is
  'starts a run of a flow with the given input and queues its root steps';
