begin;
select plan(4);

select pgflow.create_flow('st_dup_ids');
select pgflow.add_step('st_dup_ids', 'a');
select run_id as rid from pgflow.start_flow('st_dup_ids', '{}') \gset
select pgflow_tests.worker_for('st_dup_ids') as wid \gset
select message_id as mid from pgflow.step_tasks where run_id = :'rid' \gset

select is((select count(*)::integer from pgflow.start_tasks('st_dup_ids', array[:'mid', :'mid', :'mid']::bigint[], :'wid')), 1,
  'a message id given three times starts its task once');
select is((select attempts_count from pgflow.step_tasks where run_id = :'rid'), 1, 'counting one attempt');
select is((select count(*)::integer from pgmq.q_st_dup_ids where msg_id = :'mid'), 1, 'the message is not archived');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
