
-- complete_tasks( tasks )
-- complete_task for many tasks in one transaction: tasks is a JSON array of
--   {"run_id": "<uuid>", "step_slug": "<slug>", "task_index": <n>, "output": <json>}
-- (task_index defaults to 0). A worker that ran a batch of tasks reports them
-- in one call: one commit instead of one per task. The runs are locked first,
-- in run_id order, so that batches racing over the same runs cannot deadlock;
-- then each task completes exactly as complete_task does, the completed tasks'
-- messages are archived with one call per flow, and the completed tasks are
-- returned. A task that complete_task would ignore (not started, or
-- its run finished) is ignored here too; an unknown run, step or task is an
-- error and nothing of the batch is kept.
create function pgflow.complete_tasks(tasks jsonb)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_bad       record;
  v_task      record;
  v_done      pgflow.step_tasks%rowtype;
  v_completed pgflow.step_tasks[] := array[]::pgflow.step_tasks[];
  v_flow      text;
  v_ids       bigint[];
begin
  if complete_tasks.tasks is null or jsonb_typeof(complete_tasks.tasks) <> 'array' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('tasks must be a JSON array, got %s', coalesce(jsonb_typeof(complete_tasks.tasks), 'NULL')),
      hint    = 'Pass [{"run_id": "…", "step_slug": "…", "task_index": 0, "output": {…}}, …].';
  end if;

  select e.n, left(e.t::text, 200) as t into v_bad
    from jsonb_array_elements(complete_tasks.tasks) with ordinality as e(t, n)
   where jsonb_typeof(e.t) <> 'object'
      or jsonb_typeof(e.t -> 'run_id') is distinct from 'string'
      or (e.t ->> 'run_id') !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$'
      or jsonb_typeof(e.t -> 'step_slug') is distinct from 'string'
      or (e.t ? 'task_index' and (jsonb_typeof(e.t -> 'task_index') <> 'number'
                                  or (e.t ->> 'task_index') !~ '^[0-9]{1,9}$'))
      or not e.t ? 'output'
   order by e.n
   limit 1;
  if found then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('task %s of the batch is malformed: %s', v_bad.n, v_bad.t),
      hint    = 'Each task is {"run_id": "<uuid>", "step_slug": "<slug>", "task_index": <n >= 0>, "output": <json>}.';
  end if;

  -- The caller may work every flow of the batch (complete_task checks again),
  -- before it locks anything.
  perform pgflow._authorize_worker(f.flow_slug)
     from (select distinct r.flow_slug from pgflow.runs as r
            where r.run_id in (select (e ->> 'run_id')::uuid from jsonb_array_elements(complete_tasks.tasks) as e)) as f;

  -- Every run of the batch locked up front, in one order (see _lock_run).
  perform from pgflow.runs as r
   where r.run_id in (select (e ->> 'run_id')::uuid from jsonb_array_elements(complete_tasks.tasks) as e)
   order by r.run_id
     for no key update;

  for v_task in
    select (e.t ->> 'run_id')::uuid as run_id, e.t ->> 'step_slug' as step_slug,
           coalesce((e.t ->> 'task_index')::integer, 0) as task_index, e.t -> 'output' as output
      from jsonb_array_elements(complete_tasks.tasks) with ordinality as e(t, n)
     order by (e.t ->> 'run_id')::uuid, e.n
  loop
    -- the run as it is now (an earlier task of the batch may have changed it); locked already
    v_done := pgflow._complete_task(pgflow._lock_run(v_task.run_id), v_task.step_slug, v_task.task_index,
                                    v_task.output, false);
    if v_done.run_id is not null then
      v_completed := v_completed || v_done;
    end if;
  end loop;

  -- The completed tasks' messages, archived with one call per flow.
  for v_flow, v_ids in
    select c.flow_slug, array_agg(c.message_id order by c.message_id)
      from unnest(v_completed) as c
     group by c.flow_slug
     order by c.flow_slug
  loop
    perform pgmq.archive(v_flow, v_ids);
  end loop;

  return query select * from unnest(v_completed);
end;
$$;

comment on function pgflow.complete_tasks(jsonb) is
  'completes a batch of started tasks in one transaction, locking their runs in a fixed order';
