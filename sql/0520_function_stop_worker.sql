
-- stop_worker( worker_id )
-- Marks a worker stopped (once: a second call keeps the first stopped_at).
create function pgflow.stop_worker(worker_id uuid)
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
  if stop_worker.worker_id is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'worker_id must not be null',
      hint    = 'Pass the id of the worker to stop (pgflow.workers.worker_id).';
  end if;
  perform pgflow._authorize_worker(w.queue_name) from pgflow.workers as w where w.worker_id = stop_worker.worker_id;
  update pgflow.workers as w
     -- a variable, not now(): Citus takes no function in COALESCE of an UPDATE
     set stopped_at = coalesce(w.stopped_at, greatest(v_now, w.started_at))
   where w.worker_id = stop_worker.worker_id
  returning * into v_worker;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', stop_worker.worker_id),
      hint    = 'Look registered workers up in pgflow.workers.';
  end if;
  return v_worker;
end;
$$;

comment on function pgflow.stop_worker(uuid) is
  'marks a worker stopped';
