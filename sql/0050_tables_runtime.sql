
-- Runtime state, keyed by run_id first so that it can be distributed by run.
-- No foreign keys, so that pg_restore -j restores every row (see the
-- definition tables); check_invariants reports orphans.

-- One row per run of a flow: started, paused (pause_run), or finished:
-- completed, failed or cancelled (cancel_run).
create table pgflow.runs (
  run_id          uuid        not null primary key default gen_random_uuid(),
  flow_slug       text        not null,
  status          text        not null default 'started',
  input           jsonb       not null,
  output          jsonb,
  remaining_steps integer     not null default 0,
  started_at      timestamptz not null default now(),
  completed_at    timestamptz,
  failed_at       timestamptz,
  cancelled_at    timestamptz,
  cancel_reason   text,
  paused_at       timestamptz,
  constraint status_is_valid check (status in ('started', 'completed', 'failed', 'cancelled', 'paused')),
  constraint remaining_steps_is_nonnegative check (remaining_steps >= 0),
  constraint completed_at_or_failed_at check (completed_at is null or failed_at is null),
  constraint completed_at_is_after_started_at check (completed_at is null or completed_at >= started_at),
  constraint failed_at_is_after_started_at check (failed_at is null or failed_at >= started_at),
  constraint cancelled_at_is_after_started_at check (cancelled_at is null or cancelled_at >= started_at),
  constraint paused_at_is_after_started_at check (paused_at is null or paused_at >= started_at),
  constraint status_matches_timestamps check (
    (status = 'completed') = (completed_at is not null)
    and (status = 'failed') = (failed_at is not null)
    and (status = 'cancelled') = (cancelled_at is not null)
    and (status = 'paused') = (paused_at is not null)
  ),
  constraint cancel_reason_only_when_cancelled check (cancel_reason is null or status = 'cancelled'),
  constraint completed_run_has_no_remaining_steps check (status <> 'completed' or remaining_steps = 0),
  -- start_flow's idempotency_key: a second start with the key returns this
  -- run (runs_idempotency_key_idx); kept until prune deletes the run
  idempotency_key text,
  constraint idempotency_key_is_valid check (idempotency_key is null or length(idempotency_key) between 1 and 255)
);
create index runs_flow_slug_idx on pgflow.runs (flow_slug);
create unique index runs_idempotency_key_idx on pgflow.runs (flow_slug, idempotency_key)
  where idempotency_key is not null;
create index runs_status_idx on pgflow.runs (status);

-- One row per step of a run. remaining_tasks is set when the step starts;
-- initial_tasks is known at creation for single steps (1) and root maps (the
-- input's length), and when its dependency completes for a dependent map.
-- output is the step's output once completed (for a map: the array of its
-- tasks' outputs, in task_index order).
create table pgflow.step_states (
  flow_slug       text        not null,
  run_id          uuid        not null,
  step_slug       text        not null,
  status          text        not null default 'created',
  remaining_tasks integer,
  remaining_deps  integer     not null default 0,
  created_at      timestamptz not null default now(),
  started_at      timestamptz,
  completed_at    timestamptz,
  failed_at       timestamptz,
  initial_tasks   integer,
  output          jsonb,
  error_message   text,
  -- A skipped step (its condition was not met, or a dependency it cannot do
  -- without was skipped) never has tasks; it settles like a completed one.
  skipped_at      timestamptz,
  skip_reason     text,
  cancelled_at    timestamptz,
  primary key (run_id, step_slug),
  constraint status_is_valid check (status in ('created', 'started', 'completed', 'failed', 'skipped', 'cancelled')),
  constraint remaining_tasks_is_nonnegative check (remaining_tasks >= 0),
  constraint remaining_deps_is_nonnegative check (remaining_deps >= 0),
  constraint initial_tasks_is_nonnegative check (initial_tasks >= 0),
  -- a started step knows how many tasks it has (upstream 0.8.1's name)
  constraint initial_tasks_known_when_started check (status <> 'started' or initial_tasks is not null),
  constraint status_matches_timestamps check (
    case status
      when 'created'   then started_at is null and completed_at is null and failed_at is null
      when 'started'   then started_at is not null and completed_at is null and failed_at is null
      when 'completed' then started_at is not null and completed_at is not null and failed_at is null
      when 'failed'    then completed_at is null and failed_at is not null
      -- skipped by when_exhausted after its tasks started: started_at kept
      when 'skipped'   then (started_at is null or skip_reason = 'exhausted') and completed_at is null and failed_at is null
      when 'cancelled' then completed_at is null and failed_at is null
    end
    and (status = 'skipped') = (skipped_at is not null)
    and (status = 'cancelled') = (cancelled_at is not null)
  ),
  constraint status_matches_counters check (
    case status
      when 'created'   then remaining_tasks is null
      when 'started'   then remaining_deps = 0 and remaining_tasks > 0
      when 'completed' then remaining_deps = 0 and remaining_tasks = 0 and output is not null
      when 'skipped'   then remaining_tasks is null and output is null and skip_reason is not null
      else true
    end
  ),
  constraint skip_reason_is_valid check (
    skip_reason is null or (status = 'skipped' and skip_reason in ('condition_unmet', 'dependency_skipped', 'exhausted'))
  )
);
create index step_states_flow_slug_idx on pgflow.step_states (flow_slug);
create index step_states_ready_idx on pgflow.step_states (run_id, status, remaining_deps)
  where status = 'created' and remaining_deps = 0;

-- One row per task: one for a single step, one per element for a map step.
-- message_id is the task's pgmq message in the flow's queue; it stays the same
-- across retries (a retry delays the same message).
create table pgflow.step_tasks (
  flow_slug      text        not null,
  run_id         uuid        not null,
  step_slug      text        not null,
  message_id     bigint,
  task_index     integer     not null default 0,
  status         text        not null default 'queued',
  attempts_count integer     not null default 0,
  error_message  text,
  output         jsonb,
  queued_at      timestamptz not null default now(),
  started_at     timestamptz,
  completed_at   timestamptz,
  failed_at      timestamptz,
  last_worker_id uuid,
  cancelled_at   timestamptz,
  primary key (run_id, step_slug, task_index),
  constraint status_is_valid check (status in ('queued', 'started', 'completed', 'failed', 'cancelled')),
  constraint task_index_is_nonnegative check (task_index >= 0),
  constraint attempts_count_is_nonnegative check (attempts_count >= 0),
  constraint status_matches_timestamps check (
    case status
      when 'queued'    then started_at is null and completed_at is null and failed_at is null
      when 'started'   then started_at is not null and completed_at is null and failed_at is null
      when 'completed' then started_at is not null and completed_at is not null and failed_at is null
                            and output is not null
      when 'failed'    then completed_at is null and failed_at is not null
      when 'cancelled' then completed_at is null and failed_at is null
    end
    and (status = 'cancelled') = (cancelled_at is not null)
  )
);
create index step_tasks_message_id_idx on pgflow.step_tasks (flow_slug, message_id);

select pg_catalog.pg_extension_config_dump('pgflow.runs', '');
select pg_catalog.pg_extension_config_dump('pgflow.step_states', '');
select pg_catalog.pg_extension_config_dump('pgflow.step_tasks', '');
