
-- complete_tasks( tasks )
-- complete_task for many tasks in one transaction: tasks is a JSON array of
--   {"run_id": "<uuid>", "step_slug": "<slug>", "task_index": <n>, "output": <json>}
-- (task_index defaults to 0). A worker that ran a batch of tasks reports them
-- in one call: one commit instead of one per task. The runs are locked first,
-- in run_id order, so that batches racing over the same runs cannot deadlock;
-- then the tasks complete together (_complete_tasks: one statement per stage
-- for the whole batch, one cascade for all its runs), their messages are
-- archived with one call per flow, and the completed tasks are returned. A
-- task that complete_task would ignore (not started, or its run finished) is
-- ignored here too; an unknown run, step or task is an error and nothing of
-- the batch is kept.
create function pgflow.complete_tasks(tasks jsonb)
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
  v_bad     record;
  v_runs    uuid[];
  v_steps   text[];
  v_indexes integer[];
  v_outputs jsonb[];
  v_locked  integer;
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

  select array_agg((e.t ->> 'run_id')::uuid order by e.n),
         array_agg(e.t ->> 'step_slug' order by e.n),
         array_agg(coalesce((e.t ->> 'task_index')::integer, 0) order by e.n),
         array_agg(e.t -> 'output' order by e.n)
    into v_runs, v_steps, v_indexes, v_outputs
    from jsonb_array_elements(complete_tasks.tasks) with ordinality as e(t, n);
  if v_runs is null then
    return;
  end if;

  -- The caller may work every flow of the batch, before it locks anything.
  perform pgflow._authorize_worker(f.flow_slug)
     from (select distinct r.flow_slug from pgflow.runs as r where r.run_id = any(v_runs)) as f;

  -- Every run of the batch locked up front, in one order (see _lock_run).
  select count(*)::integer into v_locked
    from (select from pgflow.runs as r where r.run_id = any(v_runs) order by r.run_id for no key update) as l;
  -- Fewer than asked for: an unknown run, with the error _lock_run gives.
  if v_locked < (select count(distinct u.r) from unnest(v_runs) as u(r)) then
    perform pgflow._lock_run(u.r)
       from unnest(v_runs) as u(r)
      where not exists (select from pgflow.runs as r where r.run_id = u.r)
      order by u.r
      limit 1;
  end if;

  return query select * from pgflow._complete_tasks(v_runs, v_steps, v_indexes, v_outputs);
end;
$$;

comment on function pgflow.complete_tasks(jsonb) is
  'completes a batch of started tasks in one transaction, locking their runs in a fixed order';
