
-- cascade_complete_taskless_steps( run_id )
-- Completes the run's ready steps that have no task (maps over empty
-- arrays), and what they make ready in turn, and returns how many steps it
-- completed. The engine does this itself in the transaction that made them
-- ready, so a call finds nothing to do and returns 0; so does a call on a run
-- that is not running. Kept for code written against upstream pgflow 0.8.1.
-- Only the owner calls it.
create function pgflow.cascade_complete_taskless_steps(run_id uuid)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run    pgflow.runs%rowtype := pgflow._lock_run(cascade_complete_taskless_steps.run_id);
  v_before integer;
begin
  if v_run.status <> 'started' then
    return 0;
  end if;
  select count(*)::integer into v_before
    from pgflow.step_states as ss where ss.run_id = v_run.run_id and ss.status = 'completed';
  perform pgflow._cascade(array[v_run.run_id], array[v_run.flow_slug], null, null);
  return (select count(*)::integer from pgflow.step_states as ss
           where ss.run_id = v_run.run_id and ss.status = 'completed') - v_before;
end;
$$;

comment on function pgflow.cascade_complete_taskless_steps(uuid) is
  'for upstream 0.8.1 callers: completes ready taskless steps and returns how many (the engine already does: 0)';
