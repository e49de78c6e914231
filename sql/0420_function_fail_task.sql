
-- fail_task( run_id, step_slug, task_index, error_message, retryable, retry_after )
-- Records a started task's failure. While attempts remain (attempts_count <
-- max_attempts) the task is queued again and its message delayed by
-- retry_after seconds when given (a rate limit's Retry-After), else by
-- calculate_retry_delay(base_delay, attempts_count - 1): base_delay, then
-- twice that, and so on. A retry visible at once wakes the flow's workers.
-- With retryable false the failure is permanent (the handler knows no
-- attempt can succeed): no retry, whatever attempts remain. When no retry
-- follows, the task, its step and the run fail, and the run's other queued
-- work is archived. The task keeps the attempt's error either way. The work is
-- _fail_tasks', the one way tasks fail.
--
-- One function, so that the four-argument calls of pgflow 0.8.1 (positional
-- or named) resolve to it as before and no call is ambiguous.
--
-- Like complete_task, it changes nothing and returns no row unless the task
-- is started and the run is running (or paused: a retry of a paused run is
-- queued, and start_tasks holds it until resume_run), nor for a run that is
-- not there or not the caller's to work on; an unknown step or task of the
-- caller's run is an error, and so is a null run, step, task index or
-- retryable, and a retry_after outside 0 to 31536000 seconds (a year).
create function pgflow.fail_task(run_id uuid, step_slug text, task_index integer, error_message text,
                                 retryable boolean default true, retry_after integer default null)
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
  if fail_task.retryable is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'retryable must not be null',
      hint    = 'Pass true (the default: retried while attempts remain) or false (a permanent failure).';
  end if;
  if fail_task.retry_after < 0 or fail_task.retry_after > 31536000 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('retry_after must be between 0 and 31536000 seconds, got %s', fail_task.retry_after),
      hint    = 'retry_after is the delay before the next attempt, 0 (at once) to 31536000 seconds (a year); '
                || 'leave it null for the step''s backoff.';
  end if;
  v_run := pgflow._lock_worker_run(fail_task.run_id);
  if v_run.run_id is null then
    return;
  end if;
  return query select * from pgflow._fail_tasks(array[fail_task.run_id], array[fail_task.step_slug],
                                                 array[fail_task.task_index], array[fail_task.error_message],
                                                 array[fail_task.retryable], array[fail_task.retry_after]);
  if not found then
    perform pgflow._assert_task_exists(fail_task.run_id, v_run.flow_slug, fail_task.step_slug, fail_task.task_index);
  end if;
end;
$$;

comment on function pgflow.fail_task(uuid, text, integer, text, boolean, integer) is
  'fails a started task: queued again after retry_after seconds or the backoff while attempts remain '
  'and it is retryable, else fails step and run';
