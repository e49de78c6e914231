
-- maybe_complete_run( run_id )
-- Completes the run if no step is left. The engine does this itself when its
-- last step completes: a call finds nothing left to do. Kept for code written
-- against upstream pgflow 0.8.1. Only the owner calls it.
create function pgflow.maybe_complete_run(run_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype := pgflow._lock_run(maybe_complete_run.run_id);
begin
  perform pgflow._complete_runs_if_done(array[v_run.run_id]);
end;
$$;

comment on function pgflow.maybe_complete_run(uuid) is
  'for upstream 0.8.1 callers: completes the run if no step is left (the engine already does)';
