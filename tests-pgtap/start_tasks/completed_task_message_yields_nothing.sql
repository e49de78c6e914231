begin;
select plan(3);

select pgflow.create_flow('st_done');
select pgflow.add_step('st_done', 'a');
select pgflow.add_step('st_done', 'b');
select run_id as rid from pgflow.start_flow('st_done', '{}') \gset
select pgflow_tests.worker_for('st_done') as wid \gset
select message_id as a_msg from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a' \gset
select pgflow.start_tasks('st_done', array[:'a_msg']::bigint[], :'wid');
select pgflow.complete_task(:'rid', 'a', 0, '{}');

select is_empty(format($$ select * from pgflow.start_tasks('st_done', array[%s]::bigint[], %L) $$, :'a_msg', :'wid'),
  'the message of a completed task starts nothing');
select results_eq(format($$ select status, attempts_count from pgflow.step_tasks where run_id = %L and step_slug = 'a' $$, :'rid'),
  $$ values ('completed'::text, 1) $$, 'the task stays completed');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
