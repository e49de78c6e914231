begin;
select plan(11);

-- a and b run in parallel; a fails for good on its 2nd attempt while b is
-- started and c queued behind them.
select pgflow.create_flow('ft_exhaust', max_attempts => 2, base_delay => 0, timeout => 60);
select pgflow.add_step('ft_exhaust', 'a');
select pgflow.add_step('ft_exhaust', 'b');
select pgflow.add_step('ft_exhaust', 'c', array['a', 'b']);
select run_id as rid from pgflow.start_flow('ft_exhaust', '{}') \gset

select is((select count(*)::integer from pgflow_tests.read_and_start('ft_exhaust')), 2, 'a and b start');
select pgflow.fail_task(:'rid', 'a', 0, 'first');
select pgflow_tests.make_visible('ft_exhaust');
select is((select attempts_count from pgflow_tests.read_and_start('ft_exhaust')), 2, 'a starts again');
select results_eq(format($$ select status, error_message from pgflow.fail_task(%L, 'a', 0, 'for good') $$, :'rid'),
  $$ values ('failed'::text, 'for good'::text) $$, 'the last attempt''s failure fails the task');
select results_eq(format($$ select status, error_message from pgflow.step_states where run_id = %L and step_slug = 'a' $$, :'rid'),
  $$ values ('failed'::text, 'for good'::text) $$, 'its step fails with the error');
select ok((select status = 'failed' and failed_at is not null and completed_at is null from pgflow.runs where run_id = :'rid'),
  'the run fails');
select is(cardinality(pgflow_tests.queue_message_ids('ft_exhaust')), 0, 'every message of the run is archived, b''s too');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'b', 0, '{}')), 0,
  'b''s late completion changes nothing');
select is((select status from pgflow.step_tasks where run_id = :'rid' and step_slug = 'b'), 'started', 'b is left as it was');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'c'), 0, 'c never starts');
select is((select count(*)::integer from pgflow.fail_task(:'rid', 'a', 0, 'again')), 0, 'failing again changes nothing');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
