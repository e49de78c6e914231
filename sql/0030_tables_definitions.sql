
-- Flow definitions: immutable once they have runs. shape_hash is the hex
-- sha256 of the flow's canonical shape (pgflow._flow_shape), kept current by
-- create_flow and add_step; options are not part of the shape. The pgmq queue of a flow is
-- named after it, so a flow slug obeys pgmq's limit of 47 characters, and two
-- slugs that differ only in case would share a queue table (pgmq lowercases).
create table pgflow.flows (
  flow_slug        text        not null primary key,
  opt_max_attempts integer     not null default 3,
  opt_base_delay   integer     not null default 1,
  opt_timeout      integer     not null default 60,
  created_at       timestamptz not null default now(),
  shape_hash       text,
  constraint slug_is_valid check (pgflow.is_valid_slug(flow_slug) and length(flow_slug) <= 47),
  constraint opt_max_attempts_is_nonnegative check (opt_max_attempts >= 0),
  constraint opt_base_delay_is_nonnegative check (opt_base_delay >= 0),
  constraint opt_timeout_is_positive check (opt_timeout > 0)
);
create unique index flows_queue_name_key on pgflow.flows (lower(flow_slug));

-- Steps, in the order they were added (step_index): always a topological order,
-- because a step can only depend on steps that exist already.
create table pgflow.steps (
  flow_slug        text        not null,
  step_slug        text        not null,
  step_type        text        not null default 'single',
  step_index       integer     not null default 0,
  deps_count       integer     not null default 0,
  opt_max_attempts integer,
  opt_base_delay   integer,
  opt_timeout      integer,
  opt_start_delay  integer,
  created_at       timestamptz not null default now(),
  -- Conditions (data, never SQL): JSONB containment patterns over the step's
  -- input {"run": ..., "<dep>": ...}, tested when the step becomes ready.
  run_if           jsonb,
  run_unless       jsonb,
  when_unmet       text        not null default 'skip',
  -- What happens when the step's attempts run out or a task fails for good
  -- (fail_task retryable false): 'fail' the run, 'skip' the step (its
  -- dependents run without its key) or 'skip_cascade' (it and everything
  -- downstream). An option, like max_attempts: not part of the shape.
  when_exhausted   text        not null default 'fail',
  primary key (flow_slug, step_slug),
  constraint steps_flow_slug_step_index_key unique (flow_slug, step_index),
  constraint slug_is_valid check (pgflow.is_valid_slug(step_slug)),
  constraint step_type_is_valid check (step_type in ('single', 'map', 'signal')),
  constraint step_index_is_nonnegative check (step_index >= 0),
  constraint deps_count_is_nonnegative check (deps_count >= 0),
  constraint map_has_at_most_one_dep check (step_type <> 'map' or deps_count <= 1),
  constraint opt_max_attempts_is_nonnegative check (opt_max_attempts >= 0),
  constraint opt_base_delay_is_nonnegative check (opt_base_delay >= 0),
  constraint opt_timeout_is_positive check (opt_timeout > 0),
  constraint opt_start_delay_is_nonnegative check (opt_start_delay >= 0),
  constraint run_if_is_object check (run_if is null or jsonb_typeof(run_if) = 'object'),
  constraint run_unless_is_object check (run_unless is null or jsonb_typeof(run_unless) = 'object'),
  constraint when_unmet_is_valid check (when_unmet in ('skip', 'skip_cascade', 'fail')),
  constraint when_exhausted_is_valid check (when_exhausted in ('fail', 'skip', 'skip_cascade'))
);

-- Edges of the DAG: step_slug waits for dep_slug.
create table pgflow.deps (
  flow_slug  text        not null,
  dep_slug   text        not null,
  step_slug  text        not null,
  created_at timestamptz not null default now(),
  primary key (flow_slug, dep_slug, step_slug),
  constraint no_self_dependency check (dep_slug <> step_slug)
);
create index deps_step_slug_idx on pgflow.deps (flow_slug, step_slug);

-- No foreign keys between pgflow's tables. They are extension config tables
-- (pg_extension_config_dump: pg_dump dumps their rows), and pg_dump orders
-- their data by foreign key only in the dump's sort order, not as
-- dependencies in the archive: pg_restore -j loads them side by side, and
-- every COPY of a child that comes before its parent failed (deferred
-- constraints too: each COPY commits on its own), losing every run. The
-- engine keeps the references itself: only pgflow's owner writes these
-- tables, a row is inserted only from its parent, under the parent's lock
-- (add_step locks the flow, _start_runs shares it, tasks come under the run's
-- lock), and deletes go children first under the same locks (prune,
-- delete_flow_and_data). check_invariants reports any orphan.
select pg_catalog.pg_extension_config_dump('pgflow.flows', '');
select pg_catalog.pg_extension_config_dump('pgflow.steps', '');
select pg_catalog.pg_extension_config_dump('pgflow.deps', '');
