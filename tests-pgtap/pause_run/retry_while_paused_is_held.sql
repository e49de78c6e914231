begin;
select plan(6);

select pgflow.create_flow('pr_retry', max_attempts => 3, base_delay => 0);
select pgflow.add_step('pr_retry', 'a');
select run_id as rid from pgflow.start_flow('pr_retry', '{}') \gset
select pgflow_tests.read_and_start('pr_retry');
select pgflow.pause_run(:'rid');

select results_eq(format($$ select status, attempts_count, error_message from pgflow.fail_task(%L, 'a', 0, 'flaky') $$, :'rid'),
  $$ values ('queued'::text, 1, 'flaky'::text) $$, 'a failure while paused is handled as usual: queued again');
select is_empty($$ select * from pgflow_tests.read_and_start('pr_retry') $$, 'the retry is not started while paused');
select is(cardinality(pgflow_tests.held_message_ids('pr_retry')), 1, 'its message is held');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select pgflow.resume_run(:'rid');
select results_eq($$ select step_slug, attempts_count from pgflow_tests.read_and_start('pr_retry') $$,
  $$ values ('a'::text, 2) $$, 'after resume the retry starts, as attempt 2');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after resume');

select * from finish();
rollback;
