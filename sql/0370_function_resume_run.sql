
-- resume_run( run_id )
-- Resumes a paused run: it is started again, the messages that start_tasks
-- held while it was paused become visible now, and the steps that became
-- ready meanwhile are queued (as after a completion). Returns the run.
-- Resuming a started run changes nothing; a finished or cancelled run cannot
-- be resumed (object_not_in_prerequisite_state). Sends run:resumed (with
-- status started), then the events of what it queues.
create function pgflow.resume_run(run_id uuid)
returns pgflow.runs
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
  v_run pgflow.runs%rowtype;
begin
  -- a null run_id refused, then the caller's flow checked before anything
  -- about the run is told: a run of a flow the caller may not use does not
  -- exist for it
  v_run := pgflow._lock_client_run(resume_run.run_id,
                                   'Pass the id of the run to resume (pgflow.runs.run_id).');
  if v_run.status = 'started' then
    return v_run;
  end if;
  if v_run.status <> 'paused' then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('run "%s" is %s and cannot be resumed', resume_run.run_id, v_run.status),
      hint    = 'Only a paused run can be resumed.';
  end if;

  update pgflow.runs as r
     set status = 'started', paused_at = null
   where r.run_id = resume_run.run_id;

  -- start_tasks held these messages with visibility 'infinity'.
  execute format('update pgmq.%I as q set vt = clock_timestamp() where q.vt = ''infinity'' and q.msg_id = any($1)',
                 'q_' || lower(v_run.flow_slug))
    using array(select t.message_id
                  from pgflow.step_tasks as t
                 where t.run_id = resume_run.run_id and t.status in ('queued', 'started')
                   and t.message_id is not null);

  perform pgflow._emit_event(v_run.flow_slug, v_run.run_id, 'run:resumed',
    jsonb_build_object('status', 'started', 'resumed_at', now()));

  perform pgflow._cascade(array[resume_run.run_id], array[v_run.flow_slug], null, null);

  select * into v_run from pgflow.runs as r where r.run_id = resume_run.run_id;
  return v_run;
end;
$$;

comment on function pgflow.resume_run(uuid) is
  'resumes a paused run: held messages become visible and the steps that became ready are queued';
