
-- _fail_step( run_id, flow_slug, step_slug, error_message )
-- Fails a step for good, and its run with it: the step's status, error and
-- step:failed event, then _fail_run. The one way a step fails, whether its
-- last task failed (fail_task), its map got no array (_settle_completed_steps)
-- or its condition was unmet with when_unmet 'fail' (_apply_conditions). The
-- caller holds the run's lock.
create function pgflow._fail_step(run_id uuid, flow_slug text, step_slug text, error_message text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_started_at timestamptz;
begin
  update pgflow.step_states as ss
     set status = 'failed', failed_at = now(), error_message = _fail_step.error_message
   where ss.run_id = _fail_step.run_id and ss.step_slug = _fail_step.step_slug
  returning ss.started_at into v_started_at;
  perform pgflow._emit_event(_fail_step.flow_slug, _fail_step.run_id, 'step:failed',
    jsonb_build_object('step_slug', _fail_step.step_slug, 'status', 'failed', 'started_at', v_started_at,
                       'failed_at', now(), 'error_message', _fail_step.error_message));
  perform pgflow._fail_run(_fail_step.run_id, _fail_step.flow_slug, _fail_step.error_message);
end;
$$;
