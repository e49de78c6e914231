
-- _lock_client_run( run_id, null_hint )
-- _lock_run for the client functions given a run id (cancel_run, pause_run,
-- resume_run, retry_run, send_signal): refuses a null run_id
-- (null_value_not_allowed, with null_hint, the calling function's words for
-- what to pass), authorizes the caller for the run's flow
-- (_authorize_client), then locks the run and returns it. Authorization
-- comes before the lock and before anything about the run is told: a run of
-- a flow the caller may not use raises exactly the error of a run that does
-- not exist (undefined_object, _lock_run's), and no one waits on the lock of
-- a run they may not touch.
-- The flow slug is read into a variable first, then checked, in separate
-- statements: on Citus a call beside the run's row would run on the run's
-- node, where the check cannot read pgflow.grants (docs/scaling.md).
-- An invoker function, like _lock_run: its callers are SECURITY DEFINER.
create function pgflow._lock_client_run(run_id uuid, null_hint text default null)
returns pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_flow_slug text;
begin
  if _lock_client_run.run_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id must not be null',
      hint    = coalesce(_lock_client_run.null_hint, 'Pass the id of a run (pgflow.runs.run_id).');
  end if;
  select r.flow_slug into v_flow_slug from pgflow.runs as r where r.run_id = _lock_client_run.run_id;
  -- an unknown run has no flow: the check passes it, and _lock_run reports it
  perform pgflow._authorize_client(v_flow_slug, _lock_client_run.run_id);
  return pgflow._lock_run(_lock_client_run.run_id);
end;
$$;

revoke all on function pgflow._lock_client_run(uuid, text) from public;
