begin;
select plan(5);

select pgflow.create_flow('st_stray');
select pgflow.add_step('st_stray', 'a');
select run_id as rid from pgflow.start_flow('st_stray', '{}') \gset
select pgflow_tests.worker_for('st_stray') as wid \gset
select * from pgmq.send('st_stray', '{"not": "pgflow"}') as stray \gset
select message_id as a_msg from pgflow.step_tasks where run_id = :'rid' \gset

set local client_min_messages = error;  -- the warning is expected
create temp table st_got as select * from pgflow.start_tasks('st_stray', array[:'stray', :'a_msg']::bigint[], :'wid');
reset client_min_messages;
select is(array(select step_slug from st_got), array['a'], 'only the real task is returned');
select is_empty(format($$ select * from pgmq.q_st_stray where msg_id = %s $$, :'stray'),
  'the stray message is gone from the queue');
select is((select message from pgmq.a_st_stray where msg_id = :'stray'), '{"not": "pgflow"}'::jsonb,
  'and is in pgmq.a_<flow>');
select isnt_empty(format($$ select * from pgmq.q_st_stray where msg_id = %s $$, :'a_msg'),
  'the real task''s message stays in the queue');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
