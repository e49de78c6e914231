begin;
select plan(41);

-- pgflow.step_tasks: the contract's columns, types, nullability and defaults.
select has_table('pgflow', 'step_tasks', 'table pgflow.step_tasks exists');
select columns_are('pgflow', 'step_tasks',
  array['flow_slug', 'run_id', 'step_slug', 'message_id', 'task_index', 'status', 'attempts_count',
        'error_message', 'output', 'queued_at', 'started_at', 'completed_at', 'failed_at', 'last_worker_id',
        'cancelled_at'],
  'pgflow.step_tasks has the documented columns and cancelled_at');
select col_is_pk('pgflow', 'step_tasks', array['run_id', 'step_slug', 'task_index'],
  'the primary key is (run_id, step_slug, task_index)');

select col_type_is('pgflow', 'step_tasks', 'flow_slug', 'text', 'flow_slug is text');
select col_type_is('pgflow', 'step_tasks', 'run_id', 'uuid', 'run_id is uuid');
select col_type_is('pgflow', 'step_tasks', 'step_slug', 'text', 'step_slug is text');
select col_type_is('pgflow', 'step_tasks', 'message_id', 'bigint', 'message_id is bigint');
select col_type_is('pgflow', 'step_tasks', 'task_index', 'integer', 'task_index is integer');
select col_type_is('pgflow', 'step_tasks', 'status', 'text', 'status is text');
select col_type_is('pgflow', 'step_tasks', 'attempts_count', 'integer', 'attempts_count is integer');
select col_type_is('pgflow', 'step_tasks', 'error_message', 'text', 'error_message is text');
select col_type_is('pgflow', 'step_tasks', 'output', 'jsonb', 'output is jsonb');
select col_type_is('pgflow', 'step_tasks', 'queued_at', 'timestamp with time zone', 'queued_at is timestamptz');
select col_type_is('pgflow', 'step_tasks', 'started_at', 'timestamp with time zone', 'started_at is timestamptz');
select col_type_is('pgflow', 'step_tasks', 'completed_at', 'timestamp with time zone', 'completed_at is timestamptz');
select col_type_is('pgflow', 'step_tasks', 'failed_at', 'timestamp with time zone', 'failed_at is timestamptz');
select col_type_is('pgflow', 'step_tasks', 'last_worker_id', 'uuid', 'last_worker_id is uuid');

select col_not_null('pgflow', 'step_tasks', 'flow_slug', 'flow_slug is not null');
select col_not_null('pgflow', 'step_tasks', 'run_id', 'run_id is not null');
select col_not_null('pgflow', 'step_tasks', 'step_slug', 'step_slug is not null');
select col_not_null('pgflow', 'step_tasks', 'task_index', 'task_index is not null');
select col_not_null('pgflow', 'step_tasks', 'status', 'status is not null');
select col_not_null('pgflow', 'step_tasks', 'attempts_count', 'attempts_count is not null');
select col_not_null('pgflow', 'step_tasks', 'queued_at', 'queued_at is not null');
select col_is_null('pgflow', 'step_tasks', 'message_id', 'message_id is nullable');
select col_is_null('pgflow', 'step_tasks', 'error_message', 'error_message is nullable');
select col_is_null('pgflow', 'step_tasks', 'output', 'output is nullable');
select col_is_null('pgflow', 'step_tasks', 'started_at', 'started_at is nullable');
select col_is_null('pgflow', 'step_tasks', 'completed_at', 'completed_at is nullable');
select col_is_null('pgflow', 'step_tasks', 'failed_at', 'failed_at is nullable');
select col_is_null('pgflow', 'step_tasks', 'last_worker_id', 'last_worker_id is nullable');

select col_default_is('pgflow', 'step_tasks', 'task_index', 0, 'task_index defaults to 0');
select col_default_is('pgflow', 'step_tasks', 'status', 'queued', 'status defaults to queued');
select col_default_is('pgflow', 'step_tasks', 'attempts_count', 0, 'attempts_count defaults to 0');
select col_default_is('pgflow', 'step_tasks', 'queued_at', 'now()', 'queued_at defaults to now()');

-- status is one of queued/started/completed/failed; counters are not negative.
select pgflow.create_flow('sch_st');
select pgflow.add_step('sch_st', 'a');
select run_id as rid from pgflow.start_flow('sch_st', '{}') \gset
select throws_ok(format($$ update pgflow.step_tasks set status = 'running' where run_id = %L $$, :'rid'),
  '23514', null, 'a status outside queued/started/completed/failed is refused');
select throws_ok(format($$ update pgflow.step_tasks set attempts_count = -1 where run_id = %L $$, :'rid'),
  '23514', null, 'a negative attempts_count is refused');
select throws_ok(format($$ update pgflow.step_tasks set task_index = -1 where run_id = %L $$, :'rid'),
  '23514', null, 'a negative task_index is refused');
select throws_ok(format($$ update pgflow.step_tasks set status = 'started' where run_id = %L $$, :'rid'),
  '23514', null, 'a started status without started_at is refused');
select results_eq(format($$ select status, attempts_count, task_index from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('queued'::text, 0, 0) $$, 'the task is unchanged');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
