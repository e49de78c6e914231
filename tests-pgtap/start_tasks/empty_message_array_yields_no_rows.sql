begin;
select plan(3);

select pgflow.create_flow('st_empty');
select pgflow.add_step('st_empty', 'a');
select run_id as rid from pgflow.start_flow('st_empty', '{}') \gset
select pgflow_tests.worker_for('st_empty') as wid \gset

select is_empty(format($$ select * from pgflow.start_tasks('st_empty', array[]::bigint[], %L) $$, :'wid'),
  'no message ids, no rows');
select is((select status from pgflow.step_tasks where run_id = :'rid'), 'queued', 'the queued task is untouched');
select is((select count(*)::integer from pgmq.q_st_empty), 1, 'its message stays');

select * from finish();
rollback;
