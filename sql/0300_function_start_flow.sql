
-- start_flow( flow_slug, input, run_id )
-- Starts a run: the run row, one step_state per step, and tasks for every step
-- whose dependencies are met (root steps). run_id may be chosen by the caller
-- (an idempotency key of sorts); a run_id that exists already is an error.
create function pgflow.start_flow(flow_slug text, input jsonb, run_id uuid default null)
returns setof pgflow.runs
language plpgsql
volatile
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
begin
  if start_flow.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Name the flow to start.';
  end if;
  perform pgflow._authorize_client(start_flow.flow_slug);
  if start_flow.input is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('input of a run of flow "%s" must not be null', left(start_flow.flow_slug, 200)),
      hint    = 'Pass a JSON value: ''{}'' for no input, ''null''::jsonb for JSON null.';
  end if;
  -- pgflow.flows holds no slug longer than 47 characters (slug_is_valid): a
  -- longer one is no flow, and is not handed on to _start_runs, whose
  -- messages would repeat it whole.
  if length(start_flow.flow_slug) > 47 then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(start_flow.flow_slug, 200)),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;
  return query select * from pgflow._start_runs(start_flow.flow_slug, array[start_flow.input], array[start_flow.run_id]);
end;
$$;

comment on function pgflow.start_flow(text, jsonb, uuid) is
  'starts a run of a flow with the given input and queues its root steps';
