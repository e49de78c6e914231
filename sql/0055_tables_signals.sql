
-- Signals sent to signal steps (send_signal): one row per step of a run that
-- got one, the first signal (a second one changes nothing). A signal sent
-- before its step is ready waits here, and the cascade applies it when the
-- step starts: the step completes with the payload as its output. Keyed by
-- run_id first like the other runtime tables, and like them with no foreign
-- keys (check_invariants reports orphans); prune and delete_flow_and_data
-- delete the signals of the runs they delete.
create table pgflow.signals (
  run_id      uuid        not null,
  step_slug   text        not null,
  flow_slug   text        not null,
  payload     jsonb       not null,
  received_at timestamptz not null default now(),
  primary key (run_id, step_slug)
);

select pg_catalog.pg_extension_config_dump('pgflow.signals', '');
