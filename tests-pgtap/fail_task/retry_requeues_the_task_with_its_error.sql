begin;
select plan(6);

select pgflow.create_flow('ft_requeue', max_attempts => 3, base_delay => 5);
select pgflow.add_step('ft_requeue', 'a');
select run_id as rid from pgflow.start_flow('ft_requeue', '{}') \gset
select pgflow_tests.read_and_start('ft_requeue');

create temp table ft_ret as select * from pgflow.fail_task(:'rid', 'a', 0, 'connection reset');
select results_eq(format($$ select status, error_message, attempts_count, started_at, failed_at from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('queued'::text, 'connection reset'::text, 1, null::timestamptz, null::timestamptz) $$,
  'with attempts left the task is queued again, error stored, started_at cleared');
select results_eq($$ select step_slug, status, error_message from ft_ret $$,
  $$ values ('a'::text, 'queued'::text, 'connection reset'::text) $$, 'the updated task row is returned');
select is((select status from pgflow.step_states where run_id = :'rid'), 'started', 'the step stays started');
select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run stays started');
select is((select count(*)::integer from pgmq.q_ft_requeue where message ->> 'run_id' = :'rid'), 1,
  'the same message stays in the queue');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the retry');

select * from finish();
rollback;
