
-- start_ready_steps( run_id )
-- Queues the run's steps whose dependencies are met. The engine does this
-- itself, in the transaction of the change that made them ready (start_flow,
-- complete_task, resume_run): a call finds nothing left to do and changes
-- nothing. Kept for code written against upstream pgflow 0.8.1, where it is a
-- step of the cascade that its tests call by hand. Only the owner calls it.
create function pgflow.start_ready_steps(run_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run pgflow.runs%rowtype := pgflow._lock_run(start_ready_steps.run_id);
begin
  if v_run.status = 'started' then
    perform pgflow._cascade(array[v_run.run_id], array[v_run.flow_slug], null, null);
  end if;
end;
$$;

comment on function pgflow.start_ready_steps(uuid) is
  'for upstream 0.8.1 callers: queues the run''s ready steps (the engine already does, so it finds nothing to do)';
