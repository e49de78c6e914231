
-- requeue_stalled_tasks()
-- Gives the tasks of lost workers back to the queue. A task is stalled when it
-- is started, its lease ran out (started_at + timeout + 2 s has passed) and
-- its worker is gone: unknown, stopped, or silent (no heartbeat) for longer
-- than that lease. While attempts remain the task is queued again and its
-- message visible at once (the lost attempt was counted when it started);
-- a task on its last attempt fails (_fail_tasks), and with it its step and run.
-- A message made visible again wakes the flow's workers (_wake_workers).
-- Returns the number of tasks queued again. It also fails the signal steps
-- whose wait ran out (_expire_signal_steps).
--
-- A stored timeout is read as at most 2147483645 seconds, as start_tasks
-- reads it: 0.2.6 let larger ones in, and timeout + 2 then overflowed and
-- failed this function for the whole database.
--
-- Runs are taken one at a time in run_id order, each locked (_lock_run)
-- before its tasks, as complete_task does; tasks locked by someone else are
-- being started, completed or failed right now and are skipped.
create function pgflow.requeue_stalled_tasks()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run_id   uuid;
  v_run      pgflow.runs%rowtype;
  v_task     record;
  v_requeued integer := 0;
begin
  -- and the signal steps that waited longer than their timeout fail
  perform pgflow._expire_signal_steps();

  for v_run_id in
    select distinct t.run_id
      from pgflow.step_tasks as t
      join pgflow.runs as r on r.run_id = t.run_id
     where t.status = 'started' and r.status = 'started'
     order by t.run_id
  loop
    v_run := pgflow._lock_run(v_run_id);
    continue when v_run.status <> 'started';

    for v_task in
      select t.step_slug, t.task_index, t.message_id, t.attempts_count,
             least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2 as lease,
             coalesce(s.opt_max_attempts, f.opt_max_attempts) as max_attempts
        from pgflow.step_tasks as t
        join pgflow.steps as s on s.flow_slug = t.flow_slug and s.step_slug = t.step_slug
        join pgflow.flows as f on f.flow_slug = t.flow_slug
        left join pgflow.workers as w on w.worker_id = t.last_worker_id
       where t.run_id = v_run_id
         and t.status = 'started'
         and t.started_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
             <= clock_timestamp()
         and (w.worker_id is null
              or w.stopped_at is not null
              or w.last_heartbeat_at + make_interval(secs => least(coalesce(s.opt_timeout, f.opt_timeout), 2147483645) + 2)
                 <= clock_timestamp())
       order by t.step_slug, t.task_index
         for update of t skip locked
    loop
      if v_task.attempts_count < v_task.max_attempts then
        update pgflow.step_tasks as t
           set status = 'queued', started_at = null
         where t.run_id = v_run_id and t.step_slug = v_task.step_slug and t.task_index = v_task.task_index;
        perform pgmq.set_vt(v_run.flow_slug, v_task.message_id, 0);
        perform pgflow._wake_workers(v_run.flow_slug);
        v_requeued := v_requeued + 1;
      else
        perform from pgflow._fail_tasks(array[v_run_id], array[v_task.step_slug], array[v_task.task_index],
          array[format('timed out: no result within %s seconds and the worker is gone, after %s attempts',
                       v_task.lease, v_task.attempts_count)]);
        -- the run has failed: its other tasks are archived with it
        exit;
      end if;
    end loop;
  end loop;
  return v_requeued;
end;
$$;

comment on function pgflow.requeue_stalled_tasks() is
  'queues again the started tasks whose lease ran out and whose worker is gone (fails those on their last attempt)';
