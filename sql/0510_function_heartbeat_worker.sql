
-- heartbeat_worker( worker_id )
-- A registered worker is alive: last_heartbeat_at = now(). Returns the worker,
-- whose stopped_at tells it whether it has been asked to stop.
create function pgflow.heartbeat_worker(worker_id uuid)
returns pgflow.workers
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_worker pgflow.workers%rowtype;
begin
  if heartbeat_worker.worker_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'worker_id must not be null',
      hint    = 'Pass the id the worker registered with (pgflow.workers.worker_id).';
  end if;
  perform pgflow._authorize_worker(w.queue_name) from pgflow.workers as w where w.worker_id = heartbeat_worker.worker_id;
  update pgflow.workers as w
     set last_heartbeat_at = now()
   where w.worker_id = heartbeat_worker.worker_id
  returning * into v_worker;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', heartbeat_worker.worker_id),
      hint    = 'Register it first with pgflow.register_worker(worker_id, queue_name, function_name).';
  end if;
  return v_worker;
end;
$$;

comment on function pgflow.heartbeat_worker(uuid) is
  'records that a worker is alive and returns it';
