
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
-- ignored here too, and so is a task of a run that is not there or not the
-- caller's to work on; an unknown step or task of the caller's runs is an
-- error and nothing of the batch is kept.
create function pgflow.complete_tasks(tasks jsonb)
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
  v_bad     record;
  v_runs    uuid[];
  v_steps   text[];
  v_indexes integer[];
  v_outputs jsonb[];
  v_locked  integer;
  v_mine    uuid[];
  v_held    uuid[];
  v_r       uuid;
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

  -- The batch's runs that are there and the caller's to work on, locked up
  -- front in one order (see _lock_run). Tasks of other runs (pruned since,
  -- or of a flow the caller may not work on) are left out, as complete_task
  -- leaves them: no row, and nothing said about them.
  with x as materialized (select r.run_id, r.flow_slug from pgflow.runs as r where r.run_id = any(v_runs)),
       ok as materialized (select f.flow_slug from (select distinct x.flow_slug from x) as f
                            where pgflow._may_work(f.flow_slug))
  select array_agg(x.run_id) into v_mine from x join ok on ok.flow_slug = x.flow_slug;
  if pgflow._is_distributed() then
    -- Citus locks the rows of one shard per statement: one run at a time, in the same order
    v_locked := 0;
    v_held := null;
    foreach v_r in array array(select distinct u.r from unnest(v_mine) as u(r) order by u.r) loop
      perform from pgflow.runs as r where r.run_id = v_r for no key update;
      if found then
        v_locked := v_locked + 1;
        v_held := v_held || v_r;
      end if;
    end loop;
    v_mine := v_held;
  else
    select count(*)::integer, array_agg(l.run_id) into v_locked, v_mine
      from (select r.run_id from pgflow.runs as r where r.run_id = any(v_mine) order by r.run_id
               for no key update) as l;
  end if;
  if v_locked < (select count(distinct u.r) from unnest(v_runs) as u(r)) then
    select array_agg(t.run_id order by t.n), array_agg(t.step_slug order by t.n),
           array_agg(t.task_index order by t.n), array_agg(t.output order by t.n)
      into v_runs, v_steps, v_indexes, v_outputs
      from unnest(v_runs, v_steps, v_indexes, v_outputs) with ordinality as t(run_id, step_slug, task_index, output, n)
     where t.run_id = any(v_mine);
    if v_runs is null then
      return;
    end if;
  end if;

  return query select * from pgflow._complete_tasks(v_runs, v_steps, v_indexes, v_outputs);
end;
$$;

comment on function pgflow.complete_tasks(jsonb) is
  'completes a batch of started tasks in one transaction, locking their runs in a fixed order';
