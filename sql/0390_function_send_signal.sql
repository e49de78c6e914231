
-- send_signal( run_id, step_slug, payload )
-- Completes signal step step_slug of a run with payload as its output, and
-- its dependents go on (one cascade, as after a task completes). A signal
-- sent before the step is ready (its dependencies still running) is kept in
-- pgflow.signals and applied when the step starts; so is one sent while the
-- run is paused, applied on resume_run. The first signal wins: a second one
-- for the same step changes nothing and returns no row. Returns the step's
-- state after the signal: completed when applied, created (or started, in a
-- paused run) when kept.
-- Errors, none of which changes anything: an unknown run, or a run of a
-- flow the caller may not use (the same answer: undefined_object); an
-- unknown step (undefined_object); a step that is not a signal step
-- (wrong_object_type); a run that is finished, or a step already settled
-- otherwise, such as skipped by its condition (object_not_in_prerequisite_state).
-- Callers: the clients of the flow (grant_client) and the owner.
create function pgflow.send_signal(run_id uuid, step_slug text, payload jsonb)
returns setof pgflow.step_states
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
declare
  v_run   pgflow.runs%rowtype;
  v_type  text;
  v_state pgflow.step_states%rowtype;
begin
  if send_signal.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = 'Pass the id of the run whose step the signal is for (pgflow.runs.run_id).';
  end if;
  if send_signal.step_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('step_slug of a signal to run "%s" must not be null', send_signal.run_id),
      hint    = 'Name the signal step to complete.';
  end if;
  if send_signal.payload is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('payload of a signal to step "%s" must not be null', left(send_signal.step_slug, 200)),
      hint    = 'Pass a JSON value: ''{}'' for no payload, ''null''::jsonb for JSON null.';
  end if;
  -- the caller's flow checked before anything about the run is told: a run
  -- of a flow the caller may not use does not exist for it (run_id is not
  -- null: checked above, before the other arguments)
  v_run := pgflow._lock_client_run(send_signal.run_id);

  select s.step_type into v_type
    from pgflow.steps as s
   where s.flow_slug = v_run.flow_slug and s.step_slug = send_signal.step_slug;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('step "%s" does not exist in flow "%s"', left(send_signal.step_slug, 200), v_run.flow_slug),
      hint    = 'Send a signal to a signal step of the run''s flow (pgflow.steps, step_type ''signal'').';
  end if;
  if v_type <> 'signal' then
    raise exception using
      errcode = 'wrong_object_type',
      message = format('step "%s" of flow "%s" is a %s step, not a signal step', send_signal.step_slug,
                       v_run.flow_slug, v_type),
      hint    = 'Only a step added with step_type => ''signal'' takes signals; workers complete the others.';
  end if;

  -- the first signal wins (the run's lock keeps two at once apart)
  if exists (select from pgflow.signals as sg
              where sg.run_id = send_signal.run_id and sg.step_slug = send_signal.step_slug) then
    return;
  end if;

  select * into v_state from pgflow.step_states as ss
   where ss.run_id = send_signal.run_id and ss.step_slug = send_signal.step_slug;
  if v_run.status not in ('started', 'paused') then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and takes no signal', send_signal.run_id, v_run.status),
      hint    = 'Signals go to started or paused runs.';
  end if;
  if v_state.status not in ('created', 'started') then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('step "%s" of run "%s" is %s and takes no signal', send_signal.step_slug,
                       send_signal.run_id, v_state.status),
      hint    = 'A signal completes a signal step that has not settled yet.';
  end if;

  insert into pgflow.signals (run_id, step_slug, flow_slug, payload)
  values (send_signal.run_id, send_signal.step_slug, v_run.flow_slug, send_signal.payload);

  -- a waiting step completes now (the cascade applies the signal)
  if v_state.status = 'started' and v_run.status = 'started' then
    perform pgflow._cascade(array[send_signal.run_id], array[v_run.flow_slug], null, null);
  end if;

  return query select * from pgflow.step_states as ss
                where ss.run_id = send_signal.run_id and ss.step_slug = send_signal.step_slug;
end;
$$;

comment on function pgflow.send_signal(uuid, text, jsonb) is
  'completes a signal step of a run with the payload as its output (kept until the step is ready); the first signal wins';
