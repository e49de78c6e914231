
-- _complete_run_if_done( run_id, flow_slug )
-- Completes a started (or paused: nothing is left to hold) run that has no
-- remaining steps. Its output holds the outputs of its leaf steps (steps that
-- no other step depends on), by slug; skipped leaves have no output and are
-- left out.
create function pgflow._complete_run_if_done(run_id uuid, flow_slug text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype;
begin
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
   where r.run_id = _complete_run_if_done.run_id
     and r.status in ('started', 'paused') -- cancel: a paused run completes when nothing remains
     and r.remaining_steps = 0
  returning r.* into v_run;
  if found then
    perform pgflow._emit_event(_complete_run_if_done.flow_slug, _complete_run_if_done.run_id, 'run:completed',
      jsonb_build_object('status', 'completed', 'completed_at', v_run.completed_at, 'output', v_run.output));
  end if;
end;
$$;
