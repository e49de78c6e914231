begin;
select plan(4);

select pgflow.create_flow('st_stray', 3, 0, 60);
select pgflow.add_step('st_stray', 'a');
select run_id as rid from pgflow.start_flow('st_stray', '{}') \gset
select pgmq.send('st_stray', '{"not": "a task"}') as stray \gset

create temp table st_stray_got as select * from pgflow_tests.read_and_start('st_stray');
select is((select count(*)::integer from st_stray_got), 1, 'the real task starts; the stray message yields nothing');
select ok(not (:stray = any(pgflow_tests.queue_message_ids('st_stray'))), 'the stray message left the queue');
select is((select message from pgmq.a_st_stray where msg_id = :stray), '{"not": "a task"}'::jsonb, 'into the archive');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
