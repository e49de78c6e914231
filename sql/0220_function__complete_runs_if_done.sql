
-- _complete_runs_if_done( run_ids )
-- Completes each of the runs that is started (or paused: nothing is left to
-- hold) and has no remaining steps. A run's output holds the outputs of its
-- leaf steps (steps that no other step depends on), by slug; skipped leaves
-- have no output and are left out. The caller holds the runs' locks.
create function pgflow._complete_runs_if_done(run_ids uuid[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_completed uuid[];
  v_flows     text[];
  v_runs      uuid[];
  v_events    jsonb[];
begin
  with completed as (
    update pgflow.runs as r
       set status = 'completed',
           completed_at = now(),
           paused_at = null,
           output = (select coalesce(jsonb_object_agg(ss.step_slug, ss.output), '{}'::jsonb)
                       from pgflow.step_states as ss
                      where ss.run_id = r.run_id
                        and ss.status = 'completed'
                        and not exists (select from pgflow.deps as d
                                         where d.flow_slug = ss.flow_slug and d.dep_slug = ss.step_slug))
     where r.run_id = any(_complete_runs_if_done.run_ids)
       -- started or paused (cancel: a paused run completes when nothing remains);
       -- written so that no plan looks runs up by status rather than by run_id
       and r.status not in ('completed', 'failed', 'cancelled')
       and r.remaining_steps = 0
    returning r.run_id
  )
  select array_agg(c.run_id) into v_completed from completed as c;

  if v_completed is not null and pgflow._events_wanted() then
    if pgflow._is_distributed() then
      -- Citus would call _emit_event on the runs' nodes: the values read first
      select array_agg(r.flow_slug order by r.run_id), array_agg(r.run_id order by r.run_id),
             array_agg(jsonb_build_object('status', 'completed', 'completed_at', r.completed_at, 'output', r.output)
                       order by r.run_id)
        into v_flows, v_runs, v_events
        from pgflow.runs as r
       where r.run_id = any(v_completed);
      perform pgflow._emit_event(e.f, e.r, 'run:completed', e.p)
         from unnest(v_flows, v_runs, v_events) with ordinality as e(f, r, p, n)
        order by e.n;
    else
      perform pgflow._emit_event(r.flow_slug, r.run_id, 'run:completed',
                jsonb_build_object('status', 'completed', 'completed_at', r.completed_at, 'output', r.output))
         from pgflow.runs as r
        where r.run_id = any(v_completed)
        order by r.run_id;
    end if;
  end if;
end;
$$;
