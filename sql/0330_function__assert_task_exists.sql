
-- _assert_task_exists( run_id, flow_slug, step_slug, task_index )
-- Raises undefined_object unless the run has that task: the error path of
-- complete_task and fail_task, which leave existing tasks that are not started alone.
create function pgflow._assert_task_exists(run_id uuid, flow_slug text, step_slug text, task_index integer)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not exists (select from pgflow.steps as s
                  where s.flow_slug = _assert_task_exists.flow_slug and s.step_slug = _assert_task_exists.step_slug) then
    raise exception using
      errcode = 'undefined_object',
      message = format('step "%s" does not exist in flow "%s"', coalesce(left(_assert_task_exists.step_slug, 200), 'NULL'),
                       _assert_task_exists.flow_slug),
      hint    = 'Look the flow''s steps up in pgflow.steps.';
  end if;
  if not exists (select from pgflow.step_tasks as t
                  where t.run_id = _assert_task_exists.run_id and t.step_slug = _assert_task_exists.step_slug
                    and t.task_index = _assert_task_exists.task_index) then
    raise exception using
      errcode = 'undefined_object',
      message = format('task %s of step "%s" does not exist in run "%s"',
                       coalesce(_assert_task_exists.task_index::text, 'NULL'), left(_assert_task_exists.step_slug, 200),
                       _assert_task_exists.run_id),
      hint    = 'A step has tasks once it has started: task 0 for a single step, 0 to N-1 for a map over N elements.';
  end if;
end;
$$;
