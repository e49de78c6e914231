
-- fail_task( run_id, step_slug, task_index, error_message )
-- Records a started task's failure. While attempts remain (attempts_count <
-- max_attempts) the task is queued again and its message delayed by
-- calculate_retry_delay(base_delay, attempts_count - 1): base_delay, then
-- twice that, and so on. Otherwise the task, its step and the run fail, and
-- the run's other queued work is archived. The work is _fail_tasks', the one
-- way tasks fail.
--
-- Like complete_task, it changes nothing and returns no row unless the task
-- is started and the run is running (or paused: a retry of a paused run is
-- queued, and start_tasks holds it until resume_run), nor for a run that is
-- not there or not the caller's to work on; an unknown step or task of the
-- caller's run is an error, and so is a null run, step or task index.
create function pgflow.fail_task(run_id uuid, step_slug text, task_index integer, error_message text)
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
  v_run pgflow.runs%rowtype;
begin
  if fail_task.run_id is null or fail_task.step_slug is null or fail_task.task_index is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'run_id, step_slug and task_index must not be null',
      hint    = 'Pass the run_id, step_slug and task_index that start_tasks returned for the task.';
  end if;
  v_run := pgflow._lock_worker_run(fail_task.run_id);
  if v_run.run_id is null then
    return;
  end if;
  return query select * from pgflow._fail_tasks(array[fail_task.run_id], array[fail_task.step_slug],
                                                 array[fail_task.task_index], array[fail_task.error_message]);
  if not found then
    perform pgflow._assert_task_exists(fail_task.run_id, v_run.flow_slug, fail_task.step_slug, fail_task.task_index);
  end if;
end;
$$;

comment on function pgflow.fail_task(uuid, text, integer, text) is
  'fails a started task: queued again with exponential backoff while attempts remain, else fails step and run';
