
-- _settle_completed_steps( run_id, flow_slug, step_slugs )
-- Everything that follows from steps having just completed: their events, the
-- run's remaining_steps, their dependents' remaining_deps, and the task count
-- of a dependent map (the length of the array it maps over). A dependent map
-- whose dependency did not output an array fails, and with it the run: then
-- this returns false. The caller holds the run's lock.
create function pgflow._settle_completed_steps(run_id uuid, flow_slug text, step_slugs text[])
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_map   text;
  v_dep   text;
  v_type  text;
  v_error text;
begin
  perform pgflow._emit_event(_settle_completed_steps.flow_slug, _settle_completed_steps.run_id, 'step:completed',
            jsonb_build_object('step_slug', ss.step_slug, 'status', 'completed',
                               'completed_at', ss.completed_at, 'output', ss.output))
     from pgflow.step_states as ss
    where ss.run_id = _settle_completed_steps.run_id and ss.step_slug = any(_settle_completed_steps.step_slugs);

  update pgflow.runs as r
     set remaining_steps = r.remaining_steps - cardinality(_settle_completed_steps.step_slugs)
   where r.run_id = _settle_completed_steps.run_id;

  update pgflow.step_states as ss
     set remaining_deps = ss.remaining_deps - c.n,
         initial_tasks = case
           when s.step_type = 'map' and jsonb_typeof(dep.output) = 'array' then jsonb_array_length(dep.output)
           else ss.initial_tasks end
    from (select d.step_slug, count(*)::integer as n
            from pgflow.deps as d
           where d.flow_slug = _settle_completed_steps.flow_slug
             and d.dep_slug = any(_settle_completed_steps.step_slugs)
           group by d.step_slug) as c
    join pgflow.steps as s
      on s.flow_slug = _settle_completed_steps.flow_slug and s.step_slug = c.step_slug
    -- a map has at most one dependency: the step whose output it maps over
    left join pgflow.step_states as dep
      on s.step_type = 'map' and dep.run_id = _settle_completed_steps.run_id
     and dep.step_slug = any(_settle_completed_steps.step_slugs)
     and exists (select from pgflow.deps as md
                  where md.flow_slug = s.flow_slug and md.step_slug = s.step_slug and md.dep_slug = dep.step_slug)
   where ss.run_id = _settle_completed_steps.run_id and ss.step_slug = c.step_slug;

  -- Ready but with no task count: a map whose dependency's output is no array.
  select ss.step_slug, d.dep_slug, jsonb_typeof(dep.output)
    into v_map, v_dep, v_type
    from pgflow.step_states as ss
    join pgflow.deps as d on d.flow_slug = ss.flow_slug and d.step_slug = ss.step_slug
    join pgflow.step_states as dep on dep.run_id = ss.run_id and dep.step_slug = d.dep_slug
   where ss.run_id = _settle_completed_steps.run_id
     and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks is null
   limit 1;
  if found then
    v_error := format('map step "%s" needs an array, but step "%s" output %s', v_map, v_dep, coalesce(v_type, 'nothing'));
    update pgflow.step_states as ss
       set status = 'failed', failed_at = now(), error_message = v_error
     where ss.run_id = _settle_completed_steps.run_id and ss.step_slug = v_map;
    perform pgflow._emit_event(_settle_completed_steps.flow_slug, _settle_completed_steps.run_id, 'step:failed',
      jsonb_build_object('step_slug', v_map, 'status', 'failed', 'failed_at', now(), 'error_message', v_error));
    perform pgflow._fail_run(_settle_completed_steps.run_id, _settle_completed_steps.flow_slug, v_error);
    return false;
  end if;
  return true;
end;
$$;
