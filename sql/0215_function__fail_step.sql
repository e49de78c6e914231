
-- _fail_step( run_id, flow_slug, step_slug, error_message, failure )
-- Fails a step for good, and its run with it: the step's status, error and
-- step:failed event, then _fail_run. The one way a step fails, whether its
-- last task failed (_fail_tasks), its map got no array (_settle_completed_steps)
-- or its condition was unmet with when_unmet 'fail' (_apply_conditions). The
-- caller holds the run's lock.
-- failure says why, for the event, when a task failed: 'exhausted' (its
-- attempts ran out) or 'permanent' (retryable false); or 'timeout' when a
-- signal step got no signal in time (_expire_signal_steps); null for the
-- other causes, whose error_message says it. Only then does the step's
-- when_exhausted apply: 'skip' and 'skip_cascade' skip the step instead of
-- failing it, and the run goes on (_skip_exhausted_step).
create function pgflow._fail_step(run_id uuid, flow_slug text, step_slug text, error_message text,
                                  failure text default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_started_at timestamptz;
begin
  if _fail_step.failure is not null
     and exists (select from pgflow.steps as s
                  where s.flow_slug = _fail_step.flow_slug and s.step_slug = _fail_step.step_slug
                    and s.when_exhausted <> 'fail') then
    perform pgflow._skip_exhausted_step(_fail_step.run_id, _fail_step.flow_slug, _fail_step.step_slug,
                                        _fail_step.error_message, _fail_step.failure);
    return;
  end if;
  update pgflow.step_states as ss
     set status = 'failed', failed_at = now(), error_message = _fail_step.error_message
   where ss.run_id = _fail_step.run_id and ss.step_slug = _fail_step.step_slug
  returning ss.started_at into v_started_at;
  perform pgflow._emit_event(_fail_step.flow_slug, _fail_step.run_id, 'step:failed',
    jsonb_build_object('step_slug', _fail_step.step_slug, 'status', 'failed', 'started_at', v_started_at,
                       'failed_at', now(), 'error_message', _fail_step.error_message)
    || case when _fail_step.failure is null then '{}'::jsonb
            else jsonb_build_object('failure', _fail_step.failure) end);
  perform pgflow._fail_run(_fail_step.run_id, _fail_step.flow_slug, _fail_step.error_message);
end;
$$;
