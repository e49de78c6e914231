
-- register_worker( worker_id, queue_name, function_name )
-- Registers a worker process serving a flow's queue, or re-registers it (a
-- restart): started again, not stopped, heartbeat now.
create function pgflow.register_worker(worker_id uuid, queue_name text, function_name text)
returns pgflow.workers
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_worker pgflow.workers%rowtype;
  v_now    timestamptz := now();
begin
  if register_worker.worker_id is null or register_worker.queue_name is null or register_worker.function_name is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'worker_id, queue_name and function_name must not be null',
      hint    = 'Name the worker (a uuid), the flow whose queue it reads and what runs it.';
  end if;
  -- the flow it will serve, and the one it served when it re-registers
  perform pgflow._authorize_worker(register_worker.queue_name);
  perform pgflow._authorize_worker(w.queue_name) from pgflow.workers as w where w.worker_id = register_worker.worker_id;
  if not exists (select from pgflow.flows as f where f.flow_slug = register_worker.queue_name) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(register_worker.queue_name, 200)),
      hint    = 'A worker reads the queue named after the flow it serves.';
  end if;

  insert into pgflow.workers as w (worker_id, queue_name, function_name)
  values (register_worker.worker_id, register_worker.queue_name, register_worker.function_name)
  on conflict on constraint workers_pkey do update
     set queue_name = excluded.queue_name,
         function_name = excluded.function_name,
         -- a variable, not now(): Citus takes no function in DO UPDATE SET
         started_at = v_now,
         stopped_at = null,
         last_heartbeat_at = v_now
  returning * into v_worker;
  return v_worker;
end;
$$;

comment on function pgflow.register_worker(uuid, text, text) is
  'registers a worker serving a flow''s queue (again after a restart)';
