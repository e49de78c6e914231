
-- What start_tasks hands a worker for each task it may now run.
-- The first five fields are the documented ones; the rest tell the worker
-- which element of a map it holds, which attempt this is and how long it has.
create type pgflow.step_task_record as (
  flow_slug      text,
  run_id         uuid,
  step_slug      text,
  input          jsonb,
  msg_id         bigint,
  task_index     integer,
  attempts_count integer,
  timeout        integer
);
