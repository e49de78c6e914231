
-- _fail_tasks( run_ids, step_slugs, task_indexes, error_messages )
-- The one way started tasks fail, any number at once (task i is task
-- task_indexes[i] of step step_slugs[i] of run run_ids[i], failed with
-- error_messages[i]): a worker's report (fail_task), leases that ran out on
-- the last attempt and inputs that cannot be built (start_tasks). The caller
-- holds the locks of the runs and has checked who asks. While attempts
-- remain a task is queued again and its message delayed by
-- calculate_retry_delay(base_delay, attempts_count - 1); otherwise the task
-- fails, its message is archived, and its step and run fail (_fail_step).
-- Only started tasks of started or paused runs change (a retry of a paused
-- run is queued, and start_tasks holds it until resume_run); the others are
-- left alone. Returns the tasks it changed. As _complete_tasks is for
-- completions: one statement for the whole batch, one pgmq call per flow and
-- delay.
create function pgflow._fail_tasks(run_ids uuid[], step_slugs text[], task_indexes integer[], error_messages text[])
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_changed pgflow.step_tasks[];
  v_group   record;
  v_failed  record;
begin
  with k as (
    select * from unnest(_fail_tasks.run_ids, _fail_tasks.step_slugs, _fail_tasks.task_indexes,
                         _fail_tasks.error_messages) as k(r, s, i, e)
  ), changed as (
    update pgflow.step_tasks as t
       set status        = case when t.attempts_count < o.max_attempts then 'queued' else 'failed' end,
           started_at    = case when t.attempts_count < o.max_attempts then null else t.started_at end,
           failed_at     = case when t.attempts_count < o.max_attempts then null else now() end,
           error_message = k.e
      from k
      join pgflow.runs as r on r.run_id = k.r
      join pgflow.steps as s on s.flow_slug = r.flow_slug and s.step_slug = k.s
      join pgflow.flows as f on f.flow_slug = r.flow_slug
     cross join lateral (select coalesce(s.opt_max_attempts, f.opt_max_attempts) as max_attempts) as o
     where t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
       and t.status = 'started'
       and r.status in ('started', 'paused')
    returning t.*
  )
  select array_agg(c::pgflow.step_tasks order by c.run_id, c.step_slug, c.task_index) into v_changed from changed as c;
  if v_changed is null then
    return;
  end if;

  -- Retries: their messages come back after the backoff.
  for v_group in
    select c.flow_slug,
           pgflow.calculate_retry_delay(coalesce(s.opt_base_delay, f.opt_base_delay), c.attempts_count - 1) as delay,
           array_agg(c.message_id order by c.message_id) as msg_ids
      from unnest(v_changed) as c
      join pgflow.steps as s on s.flow_slug = c.flow_slug and s.step_slug = c.step_slug
      join pgflow.flows as f on f.flow_slug = c.flow_slug
     where c.status = 'queued'
     group by 1, 2
  loop
    perform pgmq.set_vt(v_group.flow_slug, v_group.msg_ids, v_group.delay);
  end loop;

  -- Failures for good: their messages archived, their steps and runs failed.
  for v_group in
    select c.flow_slug, array_agg(c.message_id order by c.message_id) as msg_ids
      from unnest(v_changed) as c
     where c.status = 'failed'
     group by c.flow_slug
  loop
    perform pgmq.archive(v_group.flow_slug, v_group.msg_ids);
  end loop;
  for v_failed in
    select distinct on (c.run_id, c.step_slug) c.run_id, c.flow_slug, c.step_slug, c.error_message
      from unnest(v_changed) as c
     where c.status = 'failed'
     order by c.run_id, c.step_slug, c.task_index
  loop
    perform pgflow._fail_step(v_failed.run_id, v_failed.flow_slug, v_failed.step_slug, v_failed.error_message);
  end loop;

  return query select * from unnest(v_changed);
end;
$$;
