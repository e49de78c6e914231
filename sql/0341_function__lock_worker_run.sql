
-- _lock_worker_run( run_id )
-- _lock_run for the worker functions given a run id (complete_task,
-- fail_task): the run, locked, when it exists and the caller may work on its
-- flow (_may_work); otherwise null, with no error. A run pruned
-- since its task started, and a run of a flow the caller may not work on,
-- look alike: authorization comes before anything about the run is told.
create function pgflow._lock_worker_run(run_id uuid)
returns pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_flow text;
  v_run  pgflow.runs%rowtype;
begin
  -- asked before the lock: no one waits on a run the caller may not touch
  select r.flow_slug into v_flow from pgflow.runs as r where r.run_id = _lock_worker_run.run_id;
  if not found or not pgflow._may_work(v_flow) then
    return null;
  end if;
  select * into v_run from pgflow.runs as r where r.run_id = _lock_worker_run.run_id for no key update;
  return v_run;
end;
$$;
