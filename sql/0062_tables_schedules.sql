
-- The pg_cron jobs pgflow made (schedule_flow, schedule_maintenance), by
-- name: pgflow replaces and removes only these, never a job of the same name
-- that someone else scheduled under the same user. flow_slug is the flow a
-- job starts, null for the maintenance jobs. jobid is pg_cron's id; pg_cron
-- keeps the job itself (its schedule and command are in cron.job).
create table pgflow.schedules (
  job_name   text        not null primary key,
  jobid      bigint      not null,
  flow_slug  text,
  created_at timestamptz not null default now()
);
create index schedules_flow_slug_idx on pgflow.schedules (flow_slug);

select pg_catalog.pg_extension_config_dump('pgflow.schedules', '');
