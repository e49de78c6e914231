
-- stop_worker( worker_id )
-- Marks a worker stopped (once: a second call keeps the first stopped_at).
create function pgflow.stop_worker(worker_id uuid)
returns pgflow.workers
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_worker pgflow.workers%rowtype;
begin
  perform pgflow._authorize_worker(w.queue_name) from pgflow.workers as w where w.worker_id = stop_worker.worker_id;
  update pgflow.workers as w
     set stopped_at = coalesce(w.stopped_at, greatest(now(), w.started_at))
   where w.worker_id = stop_worker.worker_id
  returning * into v_worker;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('worker "%s" is not registered', coalesce(stop_worker.worker_id::text, 'NULL')),
      hint    = 'Look registered workers up in pgflow.workers.';
  end if;
  return v_worker;
end;
$$;

comment on function pgflow.stop_worker(uuid) is
  'marks a worker stopped';
