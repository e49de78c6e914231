begin;
select plan(17);

-- The contract's "Example 3: Error Handling with Retry", as written, with the
-- worker's part played by pgflow_tests.read_and_start; make_visible skips the
-- wait once the delay has been checked.

-- Create flow with generous retry settings
select * from pgflow.create_flow('api_sync', 5, 1, 30);
select * from pgflow.add_step('api_sync', 'fetch_data');

-- Start run
select run_id as rid from pgflow.start_flow('api_sync', '{"endpoint": "/api/users"}'::jsonb) \gset
select message_id as mid from pgflow.step_tasks where run_id = :'rid' \gset

-- Worker attempts 1: Network timeout
select is((select attempts_count from pgflow_tests.read_and_start('api_sync')), 1, 'attempt 1 starts');
select results_eq(format($$ select status, attempts_count, error_message
                              from pgflow.fail_task(%L, 'fetch_data', 0, 'Connection timeout') $$, :'rid'),
  $$ values ('queued'::text, 1, 'Connection timeout'::text) $$,
  'after failure 1 the task is queued again, attempts_count 1');
select ok((select vt - clock_timestamp() > interval '0' and vt - clock_timestamp() <= interval '1 second'
             from pgmq.q_api_sync where msg_id = :mid),
  'its message is delayed by 1s (base_delay * 2^0)');
select is_empty($$ select * from pgflow_tests.read_and_start('api_sync') $$, 'it cannot be started before the delay');
select results_eq(format($$ select status, attempts_count, started_at from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('queued'::text, 1, null::timestamptz) $$, 'the task row: queued, attempts_count 1, started_at cleared');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after failure 1');

-- Worker attempts 2: Rate limit
select pgflow_tests.make_visible('api_sync');
select is((select attempts_count from pgflow_tests.read_and_start('api_sync')), 2, 'attempt 2 starts');
select results_eq(format($$ select status, attempts_count, error_message
                              from pgflow.fail_task(%L, 'fetch_data', 0, 'HTTP 429 Too Many Requests') $$, :'rid'),
  $$ values ('queued'::text, 2, 'HTTP 429 Too Many Requests'::text) $$,
  'after failure 2 the task is queued again, attempts_count 2');
select ok((select vt - clock_timestamp() > interval '1 second' and vt - clock_timestamp() <= interval '2 seconds'
             from pgmq.q_api_sync where msg_id = :mid),
  'its message is delayed by 2s (base_delay * 2^1)');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run is still started');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after failure 2');

-- Worker attempts 3: Success!
select pgflow_tests.make_visible('api_sync');
select results_eq($$ select step_slug, attempts_count, msg_id from pgflow_tests.read_and_start('api_sync') $$,
  format($$ values ('fetch_data'::text, 3, %s::bigint) $$, :mid),
  'attempt 3 starts, on the same message');
select results_eq(format($$ select status, attempts_count from pgflow.complete_task(%L, 'fetch_data', 0,
                              '{"users": [{"id": 1}], "count": 150}'::jsonb) $$, :'rid'),
  $$ values ('completed'::text, 3) $$, 'task status completed, attempts_count 3');
select results_eq(format($$ select status, attempts_count from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, 3) $$, 'the task row: completed, attempts_count 3');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"fetch_data": {"users": [{"id": 1}], "count": 150}}'::jsonb) $$,
  'the run is completed with fetch_data''s output');
select is(cardinality(pgflow_tests.queue_message_ids('api_sync')), 0, 'the message is archived');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
