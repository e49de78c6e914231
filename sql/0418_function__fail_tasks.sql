
-- _fail_tasks( run_ids, step_slugs, task_indexes, error_messages, retryables, retry_afters )
-- The one way started tasks fail, any number at once (task i is task
-- task_indexes[i] of step step_slugs[i] of run run_ids[i], failed with
-- error_messages[i]): a worker's report (fail_task), leases that ran out on
-- the last attempt and inputs that cannot be built (start_tasks). The caller
-- holds the locks of the runs, has checked who asks and what it passed.
-- While attempts remain, and unless retryables[i] is false (a permanent
-- failure: the caller knows no attempt can succeed), a task is queued again
-- and its message delayed by retry_afters[i] seconds when given, else by
-- calculate_retry_delay(base_delay, attempts_count - 1); a message visible
-- again at once wakes the flow's workers (_wake_workers). Otherwise the task
-- fails, its message is archived, and its step and run fail (_fail_step).
-- retryables and retry_afters may be null or shorter than the other arrays:
-- a missing entry means retryable, with the backoff.
-- Only started tasks of started or paused runs change (a retry of a paused
-- run is queued, and start_tasks holds it until resume_run); the others are
-- left alone. Returns the tasks it changed; each keeps the attempt's error
-- (error_message). As _complete_tasks is for completions: one statement for
-- the whole batch, one pgmq call per flow and delay.
create function pgflow._fail_tasks(run_ids uuid[], step_slugs text[], task_indexes integer[], error_messages text[],
                                   retryables boolean[] default null, retry_afters integer[] default null)
returns setof pgflow.step_tasks
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_now       timestamptz := now(); -- a value, not now(), inside CASE: Citus refuses a STABLE call beside columns
  v_changed   pgflow.step_tasks[];
  v_delays    integer[];
  v_permanent boolean[];
  v_group     record;
  v_failed    record;
begin
  if pgflow._is_distributed() then
    -- Citus: the same statement with the run joined by run_id (it refuses
    -- lateral subqueries beside a table function)
    with k as (
      select * from unnest(_fail_tasks.run_ids, _fail_tasks.step_slugs, _fail_tasks.task_indexes,
                           _fail_tasks.error_messages, _fail_tasks.retryables, _fail_tasks.retry_afters)
                      as k(r, s, i, e, rt, ra)
       where k.r is not null
    ), changed as (
      -- retried (queued again) while it is retryable and attempts remain, else failed
      update pgflow.step_tasks as t
         set status        = case when (k.rt is distinct from false and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)) then 'queued' else 'failed' end,
             started_at    = case when (k.rt is distinct from false and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)) then null else t.started_at end,
             failed_at     = case when (k.rt is distinct from false and t.attempts_count < coalesce(s.opt_max_attempts, f.opt_max_attempts)) then null else v_now end,
             error_message = k.e
        from k
        join pgflow.runs as r on r.run_id = k.r and r.run_id = any(_fail_tasks.run_ids)
        join pgflow.steps as s on s.flow_slug = r.flow_slug and s.step_slug = k.s
        join pgflow.flows as f on f.flow_slug = r.flow_slug
       where t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i and t.run_id = r.run_id
         -- the keys the indexes are searched with in every plan (see
         -- _settle_completed_steps: "Keys"); the runs' status written so that
         -- no plan looks the runs up by it
         and t.run_id = any(_fail_tasks.run_ids) and t.step_slug = any(_fail_tasks.step_slugs)
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
      -- (t is the row as updated: a retry is queued)
      returning t as task,
                case when t.status = 'queued'
                     then coalesce(k.ra, pgflow.calculate_retry_delay(coalesce(s.opt_base_delay, f.opt_base_delay),
                                                                      t.attempts_count - 1)) end as delay,
                k.rt is not distinct from false as permanent
    )
    select array_agg(c.task order by (c.task).run_id, (c.task).step_slug, (c.task).task_index),
           array_agg(c.delay order by (c.task).run_id, (c.task).step_slug, (c.task).task_index),
           array_agg(c.permanent order by (c.task).run_id, (c.task).step_slug, (c.task).task_index)
      into v_changed, v_delays, v_permanent
      from changed as c;
  else
    with k as (
      select * from unnest(_fail_tasks.run_ids, _fail_tasks.step_slugs, _fail_tasks.task_indexes,
                           _fail_tasks.error_messages, _fail_tasks.retryables, _fail_tasks.retry_afters)
                      as k(r, s, i, e, rt, ra)
       where k.r is not null
    ), changed as (
      -- retried (queued again) while it is retryable and attempts remain, else failed
      update pgflow.step_tasks as t
         set status        = case when (k.rt is distinct from false and t.attempts_count < m.max_attempts) then 'queued' else 'failed' end,
             started_at    = case when (k.rt is distinct from false and t.attempts_count < m.max_attempts) then null else t.started_at end,
             failed_at     = case when (k.rt is distinct from false and t.attempts_count < m.max_attempts) then null else v_now end,
             error_message = k.e
        from k
        -- each run by its key (a lateral subquery, not flattened: offset 0),
        -- whatever the statistics said when the plan was made
        cross join lateral (select r.* from pgflow.runs as r where r.run_id = k.r offset 0) as r
        join pgflow.steps as s on s.flow_slug = r.flow_slug and s.step_slug = k.s
        join pgflow.flows as f on f.flow_slug = r.flow_slug
       cross join lateral (select coalesce(s.opt_max_attempts, f.opt_max_attempts) as max_attempts) as m
       where t.run_id = k.r and t.step_slug = k.s and t.task_index = k.i
         -- the keys the indexes are searched with in every plan (see
         -- _settle_completed_steps: "Keys"); the runs' status written so that
         -- no plan looks the runs up by it
         and t.run_id = any(_fail_tasks.run_ids) and t.step_slug = any(_fail_tasks.step_slugs)
         and t.status = 'started'
         and r.status not in ('completed', 'failed', 'cancelled')
      -- (t is the row as updated: a retry is queued)
      returning t as task,
                case when t.status = 'queued'
                     then coalesce(k.ra, pgflow.calculate_retry_delay(coalesce(s.opt_base_delay, f.opt_base_delay),
                                                                      t.attempts_count - 1)) end as delay,
                k.rt is not distinct from false as permanent
    )
    select array_agg(c.task order by (c.task).run_id, (c.task).step_slug, (c.task).task_index),
           array_agg(c.delay order by (c.task).run_id, (c.task).step_slug, (c.task).task_index),
           array_agg(c.permanent order by (c.task).run_id, (c.task).step_slug, (c.task).task_index)
      into v_changed, v_delays, v_permanent
      from changed as c;
  end if;
  if v_changed is null then
    return;
  end if;

  -- Retries: their messages come back after their delay; at once, with a wake-up.
  for v_group in
    select c.flow_slug, d.delay, array_agg(c.message_id order by c.message_id) as msg_ids
      from unnest(v_changed) with ordinality as c
      join unnest(v_delays) with ordinality as d(delay, n) on d.n = c.ordinality
     where c.status = 'queued'
     group by 1, 2
  loop
    perform pgmq.set_vt(v_group.flow_slug, v_group.msg_ids, v_group.delay);
    if v_group.delay = 0 then
      perform pgflow._wake_workers(v_group.flow_slug);
    end if;
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
    select distinct on (c.run_id, c.step_slug) c.run_id, c.flow_slug, c.step_slug, c.error_message, p.permanent
      from unnest(v_changed) with ordinality as c
      join unnest(v_permanent) with ordinality as p(permanent, n) on p.n = c.ordinality
     where c.status = 'failed'
     order by c.run_id, c.step_slug, c.task_index
  loop
    perform pgflow._fail_step(v_failed.run_id, v_failed.flow_slug, v_failed.step_slug, v_failed.error_message,
                              case when v_failed.permanent then 'permanent' else 'exhausted' end);
  end loop;

  return query select * from unnest(v_changed);
end;
$$;
