
-- pause_run( run_id )
-- Pauses a started run: no step is queued while it is paused, and start_tasks
-- starts none of its queued tasks but holds their messages (invisible until
-- resume_run). Tasks already started go on: their results and retries are
-- kept, steps that they complete are settled, and the run completes if its
-- last step completes. Returns the run. Pausing a paused run changes nothing;
-- a finished or cancelled run cannot be paused
-- (object_not_in_prerequisite_state). Sends run:paused.
create function pgflow.pause_run(run_id uuid)
returns pgflow.runs
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype;
begin
  -- a null run_id refused, then the caller's flow checked before anything
  -- about the run is told: a run of a flow the caller may not use does not
  -- exist for it
  v_run := pgflow._lock_client_run(pause_run.run_id,
                                   'Pass the id of the run to pause (pgflow.runs.run_id).');
  if v_run.status = 'paused' then
    return v_run;
  end if;
  if v_run.status <> 'started' then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and cannot be paused', pause_run.run_id, v_run.status),
      hint    = 'Only a started run can be paused.';
  end if;

  update pgflow.runs as r
     set status = 'paused', paused_at = now()
   where r.run_id = pause_run.run_id
  returning * into v_run;

  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'run:paused',
    jsonb_build_object('status', 'paused', 'paused_at', v_run.paused_at));
  return v_run;
end;
$$;

comment on function pgflow.pause_run(uuid) is
  'pauses a started run: nothing new is queued or started until resume_run; started tasks finish';
