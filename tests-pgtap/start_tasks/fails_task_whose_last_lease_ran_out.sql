begin;
select plan(8);

-- max_attempts 2: a lost lease on attempt 1 is taken over, on attempt 2 it fails.
select pgflow.create_flow('st_lastlease', max_attempts => 2, base_delay => 0, timeout => 5);
select pgflow.add_step('st_lastlease', 'a');
select pgflow.add_step('st_lastlease', 'b', array['a']);
select run_id as rid from pgflow.start_flow('st_lastlease', '{}') \gset

select is((select count(*)::integer from pgflow_tests.read_and_start('st_lastlease')), 1, 'attempt 1 started');
select pgflow_tests.expire_lease(:'rid', 'a');
select is((select attempts_count from pgflow_tests.read_and_start('st_lastlease')), 2,
  'a lease that ran out with attempts left is taken over as attempt 2');
select pgflow_tests.expire_lease(:'rid', 'a');
select is_empty($$ select * from pgflow_tests.read_and_start('st_lastlease') $$,
  'a lease that ran out on the last attempt is not started again');
select results_eq(
  format($$ select status, error_message from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('failed'::text, 'timed out: no result within 7 seconds, after 2 attempts'::text) $$,
  'the task fails with a message saying it timed out');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'a'), 'failed', 'its step fails');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'and the run fails');
select is(cardinality(pgflow_tests.queue_message_ids('st_lastlease')), 0, 'its message is archived');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
