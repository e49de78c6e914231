
-- cancel_run( run_id, reason )
-- Stops a started or paused run for good: its queued and started tasks and
-- its created and started steps become cancelled, their pgmq messages are
-- archived (so no worker picks them up again), and the run becomes cancelled
-- with cancelled_at and the reason. Results that workers report afterwards
-- are ignored (complete_task and fail_task return no row). Returns the run.
-- Cancelling a cancelled run changes nothing and returns it; a completed or
-- failed run cannot be cancelled (object_not_in_prerequisite_state).
-- Sends run:cancelled, with the reason cut to 1000 characters (as _emit_event
-- cuts error messages: a NOTIFY payload holds less than 8000 bytes); the run
-- keeps it whole.
create function pgflow.cancel_run(run_id uuid, reason text default null)
returns pgflow.runs
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run     pgflow.runs%rowtype;
  v_msg_ids bigint[];
begin
  -- a null run_id refused, then the caller's flow checked before anything
  -- about the run is told: a run of a flow the caller may not use does not
  -- exist for it
  v_run := pgflow._lock_client_run(cancel_run.run_id,
                                   'Pass the id of the run to cancel (pgflow.runs.run_id).');
  if v_run.status = 'cancelled' then
    return v_run;
  end if;
  if v_run.status not in ('started', 'paused') then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and cannot be cancelled', cancel_run.run_id, v_run.status),
      hint    = 'Only a started or paused run can be cancelled; a finished run stays as it is.';
  end if;

  -- Tasks before their messages: the order in which start_tasks and
  -- complete_task lock them, so that a concurrent call cannot deadlock.
  with cancelled as (
    update pgflow.step_tasks as t
       set status = 'cancelled', cancelled_at = now()
     where t.run_id = cancel_run.run_id and t.status in ('queued', 'started')
    returning t.message_id
  )
  select array_agg(c.message_id) into v_msg_ids from cancelled as c where c.message_id is not null;

  update pgflow.step_states as ss
     set status = 'cancelled', cancelled_at = now()
   where ss.run_id = cancel_run.run_id and ss.status in ('created', 'started');

  if cardinality(v_msg_ids) > 0 then
    perform pgmq.archive(v_run.flow_slug, v_msg_ids);
  end if;

  update pgflow.runs as r
     set status = 'cancelled', cancelled_at = now(), cancel_reason = cancel_run.reason, paused_at = null
   where r.run_id = cancel_run.run_id
  returning * into v_run;

  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'run:cancelled',
    jsonb_build_object('status', 'cancelled', 'cancelled_at', v_run.cancelled_at,
                       'cancel_reason', left(v_run.cancel_reason, 1000)));
  return v_run;
end;
$$;

comment on function pgflow.cancel_run(uuid, text) is
  'cancels a started or paused run: its open steps and tasks are cancelled and their messages archived';
