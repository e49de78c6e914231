
-- start_flows( flow_slug, inputs, idempotency_keys )
-- start_flow for many runs of one flow in one transaction: inputs is a JSON
-- array, one element per run (each the run's input, as start_flow takes it).
-- Returns the runs in the order of their inputs. All or nothing: one bad input
-- (say, no array for a flow whose root step maps) and no run starts. For
-- callers that start runs in bulk (an import, a fan-out from a schedule): one
-- commit for all of them. idempotency_keys, when given, holds one key per
-- input (null: that input has none), as start_flow's idempotency_key: an
-- input whose key a run of the flow holds already, or an earlier input of
-- the same call, starts nothing and returns that run in its place. So the
-- result has one row per input, the same run on several rows for a repeated
-- key.
create function pgflow.start_flows(flow_slug text, inputs jsonb, idempotency_keys text[] default null)
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
  if start_flows.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Name the flow to start.';
  end if;
  perform pgflow._authorize_client(start_flows.flow_slug);
  if start_flows.inputs is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('inputs of runs of flow "%s" must not be null', left(start_flows.flow_slug, 200)),
      hint    = 'Pass one element per run: ''[{"id": 1}, {"id": 2}]'' starts two runs, ''[]'' none.';
  end if;
  if jsonb_typeof(start_flows.inputs) <> 'array' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('inputs of runs of flow "%s" must be a JSON array, got %s',
                       left(start_flows.flow_slug, 200), jsonb_typeof(start_flows.inputs)),
      hint    = 'Pass one element per run: ''[{"id": 1}, {"id": 2}]'' starts two runs.';
  end if;
  -- pgflow.flows holds no slug longer than 47 characters (slug_is_valid): a
  -- longer one is no flow, and is not handed on to _start_runs, whose
  -- messages would repeat it whole.
  if length(start_flows.flow_slug) > 47 then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(start_flows.flow_slug, 200)),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;
  if start_flows.idempotency_keys is not null then
    if coalesce(array_length(start_flows.idempotency_keys, 1), 0) <> jsonb_array_length(start_flows.inputs)
       or array_ndims(start_flows.idempotency_keys) > 1 then
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('flow "%s" got %s inputs but %s idempotency keys', left(start_flows.flow_slug, 200),
                         jsonb_array_length(start_flows.inputs), cardinality(start_flows.idempotency_keys)),
        hint    = 'Pass one key per input, in the order of the inputs (null for an input without one), '
                  'or null for no keys.';
    end if;
    perform pgflow._assert_idempotency_keys(start_flows.flow_slug, start_flows.idempotency_keys);
  end if;
  return query
  select * from pgflow._start_runs(start_flows.flow_slug,
                                   array(select e.value from jsonb_array_elements(start_flows.inputs) with ordinality as e (value, n)
                                          order by e.n),
                                   array[]::uuid[],
                                   case when cardinality(start_flows.idempotency_keys) > 0
                                        then start_flows.idempotency_keys end);
end;
$$;

comment on function pgflow.start_flows(text, jsonb, text[]) is
  'starts one run of the flow per element of a JSON array of inputs, in one transaction; optional idempotency keys, one per input';
