
-- fail_task( run_id, step_slug, task_index, error_message )
-- Records a started task's failure. While attempts remain (attempts_count <
-- max_attempts) the task is queued again and its message delayed by
-- calculate_retry_delay(base_delay, attempts_count - 1): base_delay, then
-- twice that, and so on. Otherwise the task, its step and the run fail, and
-- the run's other queued work is archived.
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
  v_run          pgflow.runs%rowtype;
  v_task         pgflow.step_tasks%rowtype;
  v_max_attempts integer;
  v_base_delay   integer;
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
  select coalesce(s.opt_max_attempts, f.opt_max_attempts), coalesce(s.opt_base_delay, f.opt_base_delay)
    into v_max_attempts, v_base_delay
    from pgflow.steps as s
    join pgflow.flows as f on f.flow_slug = s.flow_slug
   where s.flow_slug = v_run.flow_slug and s.step_slug = fail_task.step_slug;

  update pgflow.step_tasks as t
     set status        = case when t.attempts_count < v_max_attempts then 'queued' else 'failed' end,
         started_at    = case when t.attempts_count < v_max_attempts then null else t.started_at end,
         failed_at     = case when t.attempts_count < v_max_attempts then null else now() end,
         error_message = fail_task.error_message
   where t.run_id = fail_task.run_id
     and t.step_slug = fail_task.step_slug
     and t.task_index = fail_task.task_index
     and t.status = 'started'
     and v_run.status in ('started', 'paused') -- cancel: in-flight work of a paused run is kept
  returning * into v_task;
  if not found then
    perform pgflow._assert_task_exists(fail_task.run_id, v_run.flow_slug, fail_task.step_slug, fail_task.task_index);
    return;
  end if;

  if v_task.status = 'queued' then
    perform pgmq.set_vt(v_run.flow_slug, v_task.message_id,
                        pgflow.calculate_retry_delay(v_base_delay, v_task.attempts_count - 1));
    return next v_task;
    return;
  end if;

  perform pgmq.archive(v_run.flow_slug, v_task.message_id);
  perform pgflow._fail_step(fail_task.run_id, v_run.flow_slug, fail_task.step_slug, fail_task.error_message);

  return next v_task;
end;
$$;

comment on function pgflow.fail_task(uuid, text, integer, text) is
  'fails a started task: queued again with exponential backoff while attempts remain, else fails step and run';
