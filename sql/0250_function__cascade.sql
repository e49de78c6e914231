
-- _cascade( run_id, flow_slug, completed_steps )
-- Drives a run forward after steps completed (or, with null, after it
-- started): settles the completed steps, skips the ready steps whose
-- condition is not met (_apply_conditions), queues the steps that became
-- ready, completes at once the maps over empty arrays (which may make more
-- steps ready: hence the loop), and completes the run when nothing remains.
-- The caller holds the run's lock.
create function pgflow._cascade(run_id uuid, flow_slug text, completed_steps text[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_completed text[] := _cascade.completed_steps;
begin
  loop
    if v_completed is not null then
      if not pgflow._settle_completed_steps(_cascade.run_id, _cascade.flow_slug, v_completed) then
        return;
      end if;
    end if;

    -- Conditions are tested before anything ready is queued (or, for an
    -- empty map, completed); an unmet 'fail' condition fails the run.
    if not pgflow._apply_conditions(_cascade.run_id, _cascade.flow_slug) then
      return;
    end if;

    perform pgflow._queue_ready_steps(_cascade.run_id, _cascade.flow_slug);

    with empty as (
      update pgflow.step_states as ss
         set status = 'completed', started_at = now(), completed_at = now(),
             remaining_tasks = 0, output = '[]'::jsonb
       where ss.run_id = _cascade.run_id
         and ss.status = 'created' and ss.remaining_deps = 0 and ss.initial_tasks = 0
      returning ss.step_slug
    )
    select array_agg(e.step_slug) into v_completed from empty as e;

    exit when v_completed is null;
  end loop;

  perform pgflow._complete_run_if_done(_cascade.run_id, _cascade.flow_slug);
end;
$$;
