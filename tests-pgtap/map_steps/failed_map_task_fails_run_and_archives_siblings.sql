begin;
select plan(5);

select pgflow.create_flow('ms_fail', max_attempts => 1);
select pgflow.add_step('ms_fail', 'm', step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_fail', '[1, 2, 3, 4]') \gset
select pgflow_tests.worker_for('ms_fail') as wid \gset
select pgflow.start_tasks('ms_fail', array_agg(message_id), :'wid')
  from pgflow.step_tasks where run_id = :'rid' and task_index in (0, 1);
select pgflow.complete_task(:'rid', 'm', 0, '"ok"');

select is((select status from pgflow.fail_task(:'rid', 'm', 1, 'element 2 broke')), 'failed', 'the map task fails');
select results_eq(format($$ select status, error_message from pgflow.step_states where run_id = %L $$, :'rid'),
  $$ values ('failed'::text, 'element 2 broke'::text) $$, 'so does the map step');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'and the run');
select is_empty(format($$ select * from pgmq.q_ms_fail where message ->> 'run_id' = %L $$, :'rid'),
  'the queued sibling tasks'' messages are archived');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
