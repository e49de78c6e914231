begin;
select plan(4);

select pgflow.create_flow('ct_archive', 3, 0, 60);
select pgflow.add_step('ct_archive', 'a');
select pgflow.add_step('ct_archive', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ct_archive', '{}') \gset
select message_id as mid from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a' \gset
select pgflow_tests.read_and_start('ct_archive');
select pgflow.complete_task(:'rid', 'a', 0, '{}');

select ok(not (:mid = any(pgflow_tests.queue_message_ids('ct_archive'))), 'the message left the queue');
select is((select count(*)::integer from pgmq.a_ct_archive where msg_id = :mid), 1, 'it is in the archive');
select is((select message ->> 'step_slug' from pgmq.q_ct_archive), 'b', 'the queue holds b''s message now');
select is((select message from pgmq.q_ct_archive) - 'run_id',
  '{"flow_slug": "ct_archive", "step_slug": "b", "task_index": 0}'::jsonb, 'a message names its task');

select * from finish();
rollback;
