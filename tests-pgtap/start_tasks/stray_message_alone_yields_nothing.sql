begin;
select plan(3);

select pgflow.create_flow('st_stray_only');
select pgflow.add_step('st_stray_only', 'a');
select pgflow_tests.worker_for('st_stray_only') as wid \gset
select * from pgmq.send('st_stray_only', '{"x": 1}') as stray \gset

-- the warning is expected (PL/pgSQL cannot catch a warning to check its text)
set local client_min_messages = error;
select is_empty(format($$ select * from pgflow.start_tasks('st_stray_only', array[%s]::bigint[], %L) $$, :'stray', :'wid'),
  'a message that belongs to no task yields nothing');
reset client_min_messages;
select is((select count(*)::integer from pgmq.a_st_stray_only where msg_id = :'stray'), 1, 'it is archived');
select is_empty($$ select * from pgmq.q_st_stray_only $$, 'the queue is empty');

select * from finish();
rollback;
