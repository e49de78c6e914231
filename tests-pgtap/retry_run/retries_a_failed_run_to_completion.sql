begin;
select plan(13);

-- retry_run takes a failed run back to started from where it failed:
-- completed steps keep their outputs (their tasks do not run again), the
-- failed step's task is queued with fresh attempts and a new message, the
-- steps downstream wait as in a new run; the run then completes.
select pgflow.create_flow('rr_ok', max_attempts => 2, base_delay => 0);
select pgflow.add_step('rr_ok', 'fetch');
select pgflow.add_step('rr_ok', 'parse', array['fetch']);
select pgflow.add_step('rr_ok', 'save', array['parse']);
select run_id as rid from pgflow.start_flow('rr_ok', '{"url": "x"}') \gset
select pgflow_tests.run_task(:'rid', 'fetch', '{"html": "<p>"}');
select count(*) from pgflow_tests.read_and_start('rr_ok');
select pgflow.fail_task(:'rid', 'parse', 0, 'parser crashed', retryable => false);
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run failed');
select message_id as old_msg from pgflow.step_tasks where run_id = :'rid' and step_slug = 'parse' \gset

select results_eq(format($$ select status, failed_at, remaining_steps from pgflow.retry_run(%L) $$, :'rid'),
  $$ values ('started'::text, null::timestamptz, 2) $$, 'retry_run returns the run, started again with two steps to go');
select results_eq(format($$ select step_slug, status, output from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('fetch'::text, 'completed'::text, '{"html": "<p>"}'::jsonb), ('parse', 'started', null), ('save', 'created', null) $$,
  'fetch keeps its output, parse is started again, save waits');
select results_eq(format($$ select status, attempts_count, error_message, message_id <> %s from pgflow.step_tasks
                            where run_id = %L and step_slug = 'parse' $$, :old_msg, :'rid'),
  $$ values ('queued'::text, 0, 'parser crashed'::text, true) $$,
  'parse''s task is queued with fresh attempts, a new message, and its last error until the next attempt');
select is((select error_message from pgflow.step_states where run_id = :'rid' and step_slug = 'parse'), null,
  'the step''s error is cleared');
select is((select count(*)::integer from pgmq.q_rr_ok where vt <= clock_timestamp()), 1, 'its message is visible at once');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the retry');

select results_eq($$ select step_slug, attempts_count from pgflow_tests.read_and_start('rr_ok') $$,
  $$ values ('parse'::text, 1) $$, 'a worker starts parse as attempt 1; fetch does not run again');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'parse', 0, '{"doc": 1}')), 1, 'parse completes');
select pgflow_tests.run_task(:'rid', 'save', '"saved"');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"save": "saved"}'::jsonb) $$, 'the run completes with its output');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'fetch'), 1,
  'fetch ran once');
select is((select error_message from pgflow.step_tasks where run_id = :'rid' and step_slug = 'parse'), 'parser crashed',
  'a task keeps its last error after it completes, as after any retry');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
