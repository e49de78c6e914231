begin;
select plan(4);

select pgflow.create_flow('ct_archive');
select pgflow.add_step('ct_archive', 'a');
select pgflow.add_step('ct_archive', 'b');
select run_id as rid from pgflow.start_flow('ct_archive', '{}') \gset
select pgflow_tests.read_and_start('ct_archive');
select message_id as a_msg from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a' \gset
select message_id as b_msg from pgflow.step_tasks where run_id = :'rid' and step_slug = 'b' \gset
select pgflow.complete_task(:'rid', 'a', 0, '{}');

select is_empty(format($$ select * from pgmq.q_ct_archive where msg_id = %s $$, :'a_msg'), 'a''s message is gone from q_');
select is((select message ->> 'step_slug' from pgmq.a_ct_archive where msg_id = :'a_msg'), 'a', 'and is in a_');
select isnt_empty(format($$ select * from pgmq.q_ct_archive where msg_id = %s $$, :'b_msg'), 'b''s message stays queued');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after complete_task');

select * from finish();
rollback;
