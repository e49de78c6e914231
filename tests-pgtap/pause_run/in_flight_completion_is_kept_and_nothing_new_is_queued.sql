begin;
select plan(7);

select pgflow.create_flow('pr_flight');
select pgflow.add_step('pr_flight', 'a');
select pgflow.add_step('pr_flight', 'b', array['a']);
select run_id as rid from pgflow.start_flow('pr_flight', '{}') \gset
select pgflow_tests.read_and_start('pr_flight');
select pgflow.pause_run(:'rid');

select results_eq(format($$ select status, output from pgflow.complete_task(%L, 'a', 0, '{"x": 1}') $$, :'rid'),
  $$ values ('completed'::text, '{"x": 1}'::jsonb) $$, 'a task started before the pause completes');
select results_eq(format($$ select step_slug, status, remaining_deps from pgflow.step_states where run_id = %L order by 1 $$, :'rid'),
  $$ values ('a'::text, 'completed'::text, 0), ('b', 'created', 0) $$,
  'its step completes and b is ready but not started');
select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug = 'b' $$, :'rid'),
  'b has no task');
select is(pgflow_tests.queue_message_ids('pr_flight'), '{}'::bigint[], 'nothing is queued');
select results_eq(format($$ select status, remaining_steps from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('paused'::text, 1) $$, 'the run stays paused with one step left');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');
select is_empty($$ select * from pgflow_tests.read_and_start('pr_flight') $$, 'a worker finds nothing');

select * from finish();
rollback;
