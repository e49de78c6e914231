
-- complete_task( run_id, step_slug, task_index, output )
-- Records a started task's output and archives its message. The last task of
-- a step completes the step (a map's output is the array of its tasks'
-- outputs in task_index order) and cascades: dependents become ready and are
-- queued, and the run completes when no step remains.
--
-- Only a started task of a running (or paused) run is completed. Otherwise
-- (the task is queued, completed, failed or cancelled already, or the run
-- has finished or was cancelled) nothing
-- changes and no row is returned: a late or repeated call is harmless.
-- An unknown run, step or task is an error.
create function pgflow.complete_task(run_id uuid, step_slug text, task_index integer, output jsonb)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set jit = off
set join_collapse_limit = 1
as $$
declare
  v_run pgflow.runs%rowtype := pgflow._lock_run(complete_task.run_id);
begin
  perform pgflow._authorize_worker(v_run.flow_slug);
  if complete_task.output is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('output of task %s of step "%s" must not be null',
                       coalesce(complete_task.task_index::text, 'NULL'), complete_task.step_slug),
      hint    = 'Complete a task with a JSON value; ''null''::jsonb for JSON null.';
  end if;
  return query select * from pgflow._complete_tasks(array[complete_task.run_id], array[complete_task.step_slug],
                                                     array[complete_task.task_index], array[complete_task.output]);
end;
$$;

comment on function pgflow.complete_task(uuid, text, integer, jsonb) is
  'completes a started task with its output and cascades to dependent steps and the run';
