
-- start_flow( flow_slug, input, run_id, idempotency_key )
-- Starts a run: the run row, one step_state per step, and tasks for every step
-- whose dependencies are met (root steps). run_id may be chosen by the
-- caller; a run_id that exists already is an error. idempotency_key (1 to
-- 255 characters, or null for none) makes the start idempotent: when a run
-- of the flow holds the key already, start_flow starts nothing and returns
-- that run (whatever its status and input; a run_id given is not used),
-- also when two sessions start
-- the key at the same time (the second waits for the first to commit). The
-- key stays with its run until prune deletes the run; then it starts a new
-- one. One function for every calling form: start_flow(slug, input),
-- start_flow(slug, input, run_id) and the named idempotency_key =>.
create function pgflow.start_flow(flow_slug text, input jsonb, run_id uuid default null,
                                  idempotency_key text default null)
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
  -- A flow with a root map step: _start_runs says it with upstream's words.
  if start_flow.input is null
     and not exists (select from pgflow.steps as s
                      where s.flow_slug = start_flow.flow_slug and s.step_type = 'map' and s.deps_count = 0) then
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
  if start_flow.idempotency_key is null then
    return query select * from pgflow._start_runs(start_flow.flow_slug, array[start_flow.input],
                                                   array[start_flow.run_id]);
    return;
  end if;
  perform pgflow._assert_idempotency_keys(start_flow.flow_slug, array[start_flow.idempotency_key]);
  return query select * from pgflow._start_runs(start_flow.flow_slug, array[start_flow.input],
                                                 array[start_flow.run_id], array[start_flow.idempotency_key]);
end;
$$;

comment on function pgflow.start_flow(text, jsonb, uuid, text) is
  'starts a run of a flow with the given input and queues its root steps; with an idempotency key, at most one run per key';
