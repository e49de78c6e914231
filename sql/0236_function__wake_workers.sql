
-- _wake_workers( flow_slug )
-- Tells the workers listening on channel pgflow_tasks that the queue of
-- flow_slug holds messages they may read now: one pg_notify with the flow
-- slug as payload. A worker that serves the flow reads at once instead of
-- waiting for its next poll. Delivered on commit, so a worker woken by it
-- finds the messages the same transaction sent. PostgreSQL folds identical
-- notifications within a transaction: one per flow per transaction, however
-- many steps or runs it queued.
--
-- Callers: _queue_ready_steps (tasks sent with no start delay; a delayed
-- message is not visible yet and the worker's fallback poll finds it),
-- requeue_stalled_tasks and _fail_tasks (messages made visible again at once).
-- Why not pgmq's enable_notify_insert: its trigger updates one throttle row
-- per queue for every inserted message (concurrent senders queue on that row
-- lock until they commit), it notifies delayed messages before they are
-- visible and never notifies set_vt, and its default throttle drops wake-ups.
--
-- Cost: a notifying transaction takes a cluster-wide lock while it commits
-- (PostgreSQL serializes the commits of notifying transactions; figures in
-- docs/performance.md). So the setting pgflow.wake (per transaction, session,
-- role or database) can turn it off: on (the default) notifies, off does not
-- (workers then find the tasks by polling). The TypeScript worker sets it off
-- for its own complete_tasks transactions and reads the flow's queue itself
-- right after they commit, so that the hops of a run pay no notification.
-- Internal: callable by the owner's functions only.
create function pgflow._wake_workers(flow_slug text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_mode text := lower(coalesce(nullif(current_setting('pgflow.wake', true), ''), 'on'));
begin
  if v_mode in ('on', 'true', '1') then
    perform pg_catalog.pg_notify('pgflow_tasks', _wake_workers.flow_slug);
  elsif v_mode not in ('off', 'false', '0') then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid value for pgflow.wake: "%s"', left(v_mode, 100)),
      hint    = 'pgflow.wake is on (wake the listening workers when tasks are queued) or off (they poll).';
  end if;
end;
$$;
