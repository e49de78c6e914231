
-- get_run_with_states( run_id )
-- A run and its step states as one JSON document: {"run": {...}, "steps": [...]},
-- steps in the order they were added to the flow.
create function pgflow.get_run_with_states(run_id uuid)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  if get_run_with_states.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = 'Pass the id of a run (pgflow.runs.run_id), as start_flow returns it.';
  end if;
  select jsonb_build_object(
           'run', to_jsonb(r),
           'steps', coalesce((select jsonb_agg(to_jsonb(ss) order by s.step_index)
                                from pgflow.step_states as ss
                                join pgflow.steps as s on s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
                               where ss.run_id = r.run_id), '[]'::jsonb))
    into v_result
    from pgflow.runs as r
   where r.run_id = get_run_with_states.run_id;
  if v_result is null then
    raise exception using
      errcode = 'undefined_object',
      message = format('run "%s" does not exist', get_run_with_states.run_id),
      hint    = 'Look run ids up in pgflow.runs.';
  end if;
  return v_result;
end;
$$;

comment on function pgflow.get_run_with_states(uuid) is
  'a run and its step states as {"run": ..., "steps": [...]}';
