
-- complete_task( run_id, step_slug, task_index, output )
-- Records a started task's output and archives its message. The last task of
-- a step completes the step (a map's output is the array of its tasks'
-- outputs in task_index order) and cascades: dependents become ready and are
-- queued, and the run completes when no step remains.
--
-- Only a started task of a running (or paused) run is completed. Otherwise
-- (the task is queued, completed, failed or cancelled already, or the run
-- has finished or was cancelled) nothing changes and no row is returned: a
-- late or repeated call is harmless. So does a run that is not there
-- (pruned since its task started) or that belongs to a flow the caller may
-- not work on: the answer is the same for both, so that it tells a caller
-- nothing about other flows' runs (_lock_worker_run). An unknown step or
-- task of the caller's run is an error; a null argument is one too.
create function pgflow.complete_task(run_id uuid, step_slug text, task_index integer, output jsonb)
returns setof pgflow.step_tasks
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
  v_run     pgflow.runs;
  v_one     pgflow.step_tasks[];
begin
  if complete_task.run_id is null or complete_task.step_slug is null or complete_task.task_index is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id, step_slug and task_index must not be null',
      hint    = 'Pass the run_id, step_slug and task_index that start_tasks returned for the task.';
  end if;
  v_run := pgflow._lock_worker_run(complete_task.run_id);
  if v_run.run_id is null then
    return;
  end if;
  -- An SQL NULL output is JSON null, as upstream takes it (a handler that
  -- returns nothing). The common case takes a path of its own
  -- (_complete_one_task says which and why).
  v_one := pgflow._complete_one_task(v_run, complete_task.step_slug, complete_task.task_index,
                                     coalesce(complete_task.output, 'null'::jsonb));
  if v_one is not null then
    return query select * from unnest(v_one);
    return;
  end if;
  return query select * from pgflow._complete_tasks(array[complete_task.run_id], array[complete_task.step_slug],
                                                     array[complete_task.task_index],
                                                     array[coalesce(complete_task.output, 'null'::jsonb)]);
end;
$$;

comment on function pgflow.complete_task(uuid, text, integer, jsonb) is
  'completes a started task with its output and cascades to dependent steps and the run';
