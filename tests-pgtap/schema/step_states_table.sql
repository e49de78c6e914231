begin;
select plan(42);

-- pgflow.step_states: the contract's columns plus initial_tasks, output, error_message.
select has_table('pgflow', 'step_states', 'table pgflow.step_states exists');
select columns_are('pgflow', 'step_states',
  array['flow_slug', 'run_id', 'step_slug', 'status', 'remaining_tasks', 'remaining_deps',
        'created_at', 'started_at', 'completed_at', 'failed_at',
        'initial_tasks', 'output', 'error_message', 'skipped_at', 'skip_reason', 'cancelled_at'],
  'pgflow.step_states has the documented columns and initial_tasks, output, error_message, skipped_at, skip_reason, cancelled_at');
select col_is_pk('pgflow', 'step_states', array['run_id', 'step_slug'], 'the primary key is (run_id, step_slug)');

select col_type_is('pgflow', 'step_states', 'flow_slug', 'text', 'flow_slug is text');
select col_type_is('pgflow', 'step_states', 'run_id', 'uuid', 'run_id is uuid');
select col_type_is('pgflow', 'step_states', 'step_slug', 'text', 'step_slug is text');
select col_type_is('pgflow', 'step_states', 'status', 'text', 'status is text');
select col_type_is('pgflow', 'step_states', 'remaining_tasks', 'integer', 'remaining_tasks is integer');
select col_type_is('pgflow', 'step_states', 'remaining_deps', 'integer', 'remaining_deps is integer');
select col_type_is('pgflow', 'step_states', 'created_at', 'timestamp with time zone', 'created_at is timestamptz');
select col_type_is('pgflow', 'step_states', 'started_at', 'timestamp with time zone', 'started_at is timestamptz');
select col_type_is('pgflow', 'step_states', 'completed_at', 'timestamp with time zone', 'completed_at is timestamptz');
select col_type_is('pgflow', 'step_states', 'failed_at', 'timestamp with time zone', 'failed_at is timestamptz');
select col_type_is('pgflow', 'step_states', 'initial_tasks', 'integer', 'initial_tasks is integer');
select col_type_is('pgflow', 'step_states', 'output', 'jsonb', 'output is jsonb');
select col_type_is('pgflow', 'step_states', 'error_message', 'text', 'error_message is text');
select col_type_is('pgflow', 'step_states', 'skipped_at', 'timestamp with time zone', 'skipped_at is timestamptz');
select col_type_is('pgflow', 'step_states', 'skip_reason', 'text', 'skip_reason is text');
select col_is_null('pgflow', 'step_states', 'skipped_at', 'skipped_at is nullable');
select col_is_null('pgflow', 'step_states', 'skip_reason', 'skip_reason is nullable');

select col_not_null('pgflow', 'step_states', 'flow_slug', 'flow_slug is not null');
select col_not_null('pgflow', 'step_states', 'run_id', 'run_id is not null');
select col_not_null('pgflow', 'step_states', 'step_slug', 'step_slug is not null');
select col_not_null('pgflow', 'step_states', 'status', 'status is not null');
select col_not_null('pgflow', 'step_states', 'remaining_deps', 'remaining_deps is not null');
select col_not_null('pgflow', 'step_states', 'created_at', 'created_at is not null');
select col_is_null('pgflow', 'step_states', 'started_at', 'started_at is nullable');
select col_is_null('pgflow', 'step_states', 'completed_at', 'completed_at is nullable');
select col_is_null('pgflow', 'step_states', 'failed_at', 'failed_at is nullable');
select col_is_null('pgflow', 'step_states', 'output', 'output is nullable');
select col_is_null('pgflow', 'step_states', 'error_message', 'error_message is nullable');

select col_default_is('pgflow', 'step_states', 'status', 'created', 'status defaults to created');
select col_default_is('pgflow', 'step_states', 'remaining_deps', 0, 'remaining_deps defaults to 0');
select col_default_is('pgflow', 'step_states', 'created_at', 'now()', 'created_at defaults to now()');

-- status is one of created/started/completed/failed.
select pgflow.create_flow('sch_ss');
select pgflow.add_step('sch_ss', 'a');
select pgflow.add_step('sch_ss', 'b', array['a']);
select run_id as rid from pgflow.start_flow('sch_ss', '{}') \gset
select throws_ok(format($$ update pgflow.step_states set status = 'bogus' where run_id = %L and step_slug = 'b' $$, :'rid'),
  '23514', null, 'a status outside created/started/completed/failed/skipped is refused');
select throws_ok(format($$ update pgflow.step_states set status = 'skipped', skip_reason = 'condition_unmet'
                          where run_id = %L and step_slug = 'b' $$, :'rid'),
  '23514', null, 'a skipped status without skipped_at is refused');
select throws_ok(format($$ update pgflow.step_states set status = 'skipped', skipped_at = now()
                          where run_id = %L and step_slug = 'b' $$, :'rid'),
  '23514', null, 'a skipped status without skip_reason is refused');
select throws_ok(format($$ update pgflow.step_states set status = 'skipped', skipped_at = now(), skip_reason = 'bored'
                          where run_id = %L and step_slug = 'b' $$, :'rid'),
  '23514', null, 'an unknown skip_reason is refused');
select throws_ok(format($$ update pgflow.step_states set remaining_deps = -1 where run_id = %L and step_slug = 'b' $$, :'rid'),
  '23514', null, 'a negative remaining_deps is refused');
select throws_ok(format($$ update pgflow.step_states set status = 'completed', remaining_tasks = 0, output = '{}'
                          where run_id = %L and step_slug = 'b' $$, :'rid'),
  '23514', null, 'a completed status without its timestamps is refused');
select results_eq(format($$ select step_slug, status, remaining_deps from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('a'::text, 'started'::text, 0), ('b', 'created', 1) $$, 'the step states are unchanged');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
