begin;
select plan(6);

select pgflow.create_flow('st_marks');
select pgflow.add_step('st_marks', 'a');
select run_id as rid from pgflow.start_flow('st_marks', '{}') \gset
select pgflow_tests.worker_for('st_marks') as wid \gset

select is((select attempts_count from pgflow.step_tasks where run_id = :'rid'), 0, 'no attempt before start_tasks');
create temp table st_got as select * from pgflow_tests.read_and_start('st_marks');
select results_eq(format($$ select status, attempts_count, last_worker_id from pgflow.step_tasks where run_id = %L $$, :'rid'),
  format($$ values ('started'::text, 1, %L::uuid) $$, :'wid'),
  'the task is started, attempt 1, by this worker');
select is((select started_at from pgflow.step_tasks where run_id = :'rid'), now(), 'started_at is set');
select is((select attempts_count from st_got), 1, 'the record carries the attempt number');
select is((select msg_id from st_got), (select message_id from pgflow.step_tasks where run_id = :'rid'),
  'and the task''s message id');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_tasks');

select * from finish();
rollback;
