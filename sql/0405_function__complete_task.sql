
-- _complete_task( locked_run, step_slug, task_index, output, archive )
-- What complete_task does once its caller locked the run (_lock_run: the
-- row passed is the run as it is now) and is authorized: records a started
-- task's output and, when archive is true, archives its message (complete_tasks
-- archives a batch's messages in one call instead). The last task of a step
-- completes the step (a map's output is the array of its tasks' outputs in
-- task_index order) and cascades. Returns the completed task, or null when
-- there is nothing to complete (the task is not started, or the run is not
-- running). An unknown run, step or task is an error.
create function pgflow._complete_task(locked_run pgflow.runs, step_slug text, task_index integer, output jsonb, archive boolean)
returns pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_run         pgflow.runs%rowtype := _complete_task.locked_run;
  v_task        pgflow.step_tasks%rowtype;
  v_step_status text;
begin
  if _complete_task.output is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = format('output of task %s of step "%s" must not be null',
                       coalesce(_complete_task.task_index::text, 'NULL'), _complete_task.step_slug),
      hint    = 'Complete a task with a JSON value; ''null''::jsonb for JSON null.';
  end if;

  update pgflow.step_tasks as t
     set status = 'completed', completed_at = now(), output = _complete_task.output
   where t.run_id = v_run.run_id
     and t.step_slug = _complete_task.step_slug
     and t.task_index = _complete_task.task_index
     and t.status = 'started'
     and v_run.status in ('started', 'paused') -- cancel: in-flight work of a paused run is kept
  returning * into v_task;
  if not found then
    perform pgflow._assert_task_exists(v_run.run_id, v_run.flow_slug, _complete_task.step_slug,
                                       _complete_task.task_index);
    return null;
  end if;

  if _complete_task.archive then
    perform pgmq.archive(v_run.flow_slug, v_task.message_id);
  end if;

  update pgflow.step_states as ss
     set remaining_tasks = ss.remaining_tasks - 1,
         status          = case when ss.remaining_tasks = 1 then 'completed' else ss.status end,
         completed_at    = case when ss.remaining_tasks = 1 then now() end,
         output          = case
                             when ss.remaining_tasks > 1 then null
                             when s.step_type = 'map' then
                               (select jsonb_agg(t.output order by t.task_index)
                                  from pgflow.step_tasks as t
                                 where t.run_id = ss.run_id and t.step_slug = ss.step_slug)
                             else _complete_task.output
                           end
    from pgflow.steps as s
   where ss.run_id = v_run.run_id
     and ss.step_slug = _complete_task.step_slug
     and s.flow_slug = ss.flow_slug and s.step_slug = ss.step_slug
  returning ss.status into v_step_status;

  if v_step_status = 'completed' then
    perform pgflow._cascade(v_run.run_id, v_run.flow_slug, array[_complete_task.step_slug]);
  end if;

  return v_task;
end;
$$;
