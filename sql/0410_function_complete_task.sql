
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
as $$
declare
  v_run  pgflow.runs%rowtype := pgflow._lock_run(complete_task.run_id);
  v_task pgflow.step_tasks%rowtype;
begin
  perform pgflow._authorize_worker(v_run.flow_slug);
  v_task := pgflow._complete_task(v_run, complete_task.step_slug, complete_task.task_index,
                                  complete_task.output, true);
  if v_task.run_id is not null then
    return next v_task;
  end if;
end;
$$;

comment on function pgflow.complete_task(uuid, text, integer, jsonb) is
  'completes a started task with its output and cascades to dependent steps and the run';
