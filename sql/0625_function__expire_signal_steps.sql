
-- _expire_signal_steps()
-- Fails the signal steps that waited longer than their timeout: a signal
-- step with a timeout of its own (steps.opt_timeout; a signal step does not
-- take the flow's timeout, so without one it waits for ever) that started
-- (its dependencies completed) more than timeout seconds ago and got no
-- signal. The step fails, and with it its run (_fail_step), with an error
-- that says so. Runs that are paused are left alone: a paused run's wait
-- goes on, and the step fails at the first call after resume_run if the time
-- is up. requeue_stalled_tasks calls it, so the maintenance job does it.
-- Runs are taken in run_id order, each locked (_lock_run) and checked again.
-- Returns the number of steps failed.
create function pgflow._expire_signal_steps()
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_step    record;
  v_run     pgflow.runs%rowtype;
  v_expired integer := 0;
begin
  -- from the few steps that are signal steps with a timeout, to their
  -- started states (the flow's step states, through their flow_slug index)
  for v_step in
    select ss.run_id, ss.flow_slug, ss.step_slug, s.opt_timeout
      from pgflow.steps as s
      join pgflow.step_states as ss on ss.flow_slug = s.flow_slug and ss.step_slug = s.step_slug
     where s.step_type = 'signal' and s.opt_timeout is not null
       and ss.status = 'started'
       and ss.started_at < now() - make_interval(secs => s.opt_timeout)
     order by ss.run_id, ss.step_slug
  loop
    v_run := pgflow._lock_run(v_step.run_id);
    continue when v_run.status <> 'started';
    -- still waiting, with no signal (one may have come meanwhile)
    continue when not exists (select from pgflow.step_states as ss
                               where ss.run_id = v_step.run_id and ss.step_slug = v_step.step_slug
                                 and ss.status = 'started')
               or exists (select from pgflow.signals as sg
                           where sg.run_id = v_step.run_id and sg.step_slug = v_step.step_slug);
    perform pgflow._fail_step(v_step.run_id, v_step.flow_slug, v_step.step_slug,
              format('signal step "%s" got no signal within its timeout of %s seconds',
                     v_step.step_slug, v_step.opt_timeout),
              'timeout');
    v_expired := v_expired + 1;
  end loop;
  return v_expired;
end;
$$;
