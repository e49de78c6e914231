
-- Worker processes, registered by register_worker and kept alive by heartbeat_worker.
create table pgflow.workers (
  worker_id         uuid        not null primary key,
  queue_name        text        not null,
  function_name     text        not null,
  started_at        timestamptz not null default now(),
  stopped_at        timestamptz,
  last_heartbeat_at timestamptz not null default now(),
  constraint stopped_at_is_after_started_at check (stopped_at is null or stopped_at >= started_at)
);
create index workers_queue_name_idx on pgflow.workers (queue_name);
create index workers_last_heartbeat_at_idx on pgflow.workers (last_heartbeat_at);

select pg_catalog.pg_extension_config_dump('pgflow.workers', '');
