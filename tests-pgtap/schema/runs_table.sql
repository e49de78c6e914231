begin;
select plan(29);

-- pgflow.runs: the contract's columns, types, nullability and defaults.
select has_table('pgflow', 'runs', 'table pgflow.runs exists');
select columns_are('pgflow', 'runs',
  array['run_id', 'flow_slug', 'status', 'input', 'output', 'remaining_steps',
        'started_at', 'completed_at', 'failed_at', 'cancelled_at', 'cancel_reason', 'paused_at', 'idempotency_key'],
  'pgflow.runs has the documented columns and cancelled_at, cancel_reason, paused_at, idempotency_key');
select col_is_pk('pgflow', 'runs', 'run_id', 'run_id is the primary key');

select col_type_is('pgflow', 'runs', 'run_id', 'uuid', 'run_id is uuid');
select col_type_is('pgflow', 'runs', 'flow_slug', 'text', 'flow_slug is text');
select col_type_is('pgflow', 'runs', 'status', 'text', 'status is text');
select col_type_is('pgflow', 'runs', 'input', 'jsonb', 'input is jsonb');
select col_type_is('pgflow', 'runs', 'output', 'jsonb', 'output is jsonb');
select col_type_is('pgflow', 'runs', 'remaining_steps', 'integer', 'remaining_steps is integer');
select col_type_is('pgflow', 'runs', 'started_at', 'timestamp with time zone', 'started_at is timestamptz');
select col_type_is('pgflow', 'runs', 'completed_at', 'timestamp with time zone', 'completed_at is timestamptz');
select col_type_is('pgflow', 'runs', 'failed_at', 'timestamp with time zone', 'failed_at is timestamptz');

select col_not_null('pgflow', 'runs', 'run_id', 'run_id is not null');
select col_not_null('pgflow', 'runs', 'flow_slug', 'flow_slug is not null');
select col_not_null('pgflow', 'runs', 'status', 'status is not null');
select col_not_null('pgflow', 'runs', 'input', 'input is not null');
select col_not_null('pgflow', 'runs', 'remaining_steps', 'remaining_steps is not null');
select col_not_null('pgflow', 'runs', 'started_at', 'started_at is not null');
select col_is_null('pgflow', 'runs', 'output', 'output is nullable');
select col_is_null('pgflow', 'runs', 'completed_at', 'completed_at is nullable');
select col_is_null('pgflow', 'runs', 'failed_at', 'failed_at is nullable');

select col_default_is('pgflow', 'runs', 'run_id', 'gen_random_uuid()', 'run_id defaults to a random uuid');
select col_default_is('pgflow', 'runs', 'status', 'started', 'status defaults to started');
select col_default_is('pgflow', 'runs', 'started_at', 'now()', 'started_at defaults to now()');
select col_hasnt_default('pgflow', 'runs', 'completed_at', 'completed_at has no default');
select col_hasnt_default('pgflow', 'runs', 'failed_at', 'failed_at has no default');
select has_check('pgflow', 'runs', 'pgflow.runs has check constraints');
select is(
  (select array_agg(conname::text order by conname) from pg_constraint
    where conrelid = 'pgflow.runs'::regclass and contype = 'c'
      and conname in ('status_is_valid', 'completed_at_or_failed_at')),
  array['completed_at_or_failed_at', 'status_is_valid'],
  'the status and completed_at-xor-failed_at checks are named');
select is(
  (select count(*)::integer from pg_constraint
    where conrelid = 'pgflow.runs'::regclass and contype = 'c'
      and conname in ('completed_at_is_after_started_at', 'failed_at_is_after_started_at')),
  2, 'timestamps are checked to be in order');

select * from finish();
rollback;
