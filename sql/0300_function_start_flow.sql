
-- start_flow( flow_slug, input, run_id )
-- Starts a run: the run row, one step_state per step, and tasks for every step
-- whose dependencies are met (root steps). run_id may be chosen by the caller
-- (an idempotency key of sorts); a run_id that exists already is an error.
create function pgflow.start_flow(flow_slug text, input jsonb, run_id uuid default null)
returns setof pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run_id     uuid := coalesce(start_flow.run_id, gen_random_uuid());
  v_step_count integer;
  v_root_map   text;
  v_length     integer := case when jsonb_typeof(start_flow.input) = 'array'
                               then jsonb_array_length(start_flow.input) end;
begin
  if start_flow.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Name the flow to start.';
  end if;
  if start_flow.input is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('input of a run of flow "%s" must not be null', start_flow.flow_slug),
      hint    = 'Pass a JSON value: ''{}'' for no input, ''null''::jsonb for JSON null.';
  end if;

  -- Waits for an add_step in progress, so the run sees the flow's final steps.
  perform from pgflow.flows as f where f.flow_slug = start_flow.flow_slug for key share;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', start_flow.flow_slug),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;

  select count(*)::integer, min(s.step_slug) filter (where s.step_type = 'map' and s.deps_count = 0)
    into v_step_count, v_root_map
    from pgflow.steps as s
   where s.flow_slug = start_flow.flow_slug;
  if v_step_count = 0 then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('flow "%s" has no steps', start_flow.flow_slug),
      hint    = 'Add steps with pgflow.add_step() before starting it.';
  end if;
  if v_root_map is not null and jsonb_typeof(start_flow.input) <> 'array' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('input of flow "%s" must be an array: step "%s" maps over it, got %s',
                       start_flow.flow_slug, v_root_map, jsonb_typeof(start_flow.input)),
      hint    = 'Start the run with a JSON array; each element becomes one task of the map step.';
  end if;

  insert into pgflow.runs (run_id, flow_slug, input, remaining_steps)
  values (v_run_id, start_flow.flow_slug, start_flow.input, v_step_count)
  on conflict do nothing;
  if not found then
    raise exception using
      errcode = 'unique_violation',
      message = format('run "%s" already exists', v_run_id),
      hint    = 'Each run needs its own run_id; leave it out to get a new one.';
  end if;

  insert into pgflow.step_states (flow_slug, run_id, step_slug, remaining_deps, initial_tasks)
  select s.flow_slug, v_run_id, s.step_slug, s.deps_count,
         case when s.step_type = 'single' then 1
              when s.deps_count = 0 then v_length end
    from pgflow.steps as s
   where s.flow_slug = start_flow.flow_slug;

  perform pgflow._emit_event(start_flow.flow_slug, v_run_id, 'run:started',
    jsonb_build_object('status', 'started', 'started_at', now(), 'remaining_steps', v_step_count));

  perform pgflow._cascade(v_run_id, start_flow.flow_slug, null);

  return query select * from pgflow.runs as r where r.run_id = v_run_id;
end;
$$;

comment on function pgflow.start_flow(text, jsonb, uuid) is
  'starts a run of a flow with the given input and queues its root steps';
