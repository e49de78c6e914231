begin;
select plan(4);

select pgflow.create_flow('ms_mixed');
select pgflow.add_step('ms_mixed', 'list');
select pgflow.add_step('ms_mixed', 's1', array['list']);
select pgflow.add_step('ms_mixed', 'm', array['list'], step_type => 'map');
select pgflow.add_step('ms_mixed', 's2', array['list']);
select pgflow.add_step('ms_mixed', 'late', array['list'], start_delay => 5);
select run_id as rid from pgflow.start_flow('ms_mixed', '{}') \gset
select pgflow_tests.read_and_start('ms_mixed');
select pgflow.complete_task(:'rid', 'list', 0, '[10, 20, 30]');

select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and status = 'queued'), 6,
  'three map tasks and three single tasks are queued by one completion');
select is_empty(format($$ select t.step_slug, t.task_index from pgflow.step_tasks as t
                          join pgmq.q_ms_mixed as q on q.msg_id = t.message_id
                         where t.run_id = %L
                           and (q.message ->> 'step_slug' <> t.step_slug
                                or (q.message ->> 'task_index')::integer <> t.task_index) $$, :'rid'),
  'every task is paired with the message that names it');
select is((select count(distinct message_id)::integer from pgflow.step_tasks where run_id = :'rid'), 7, 'no message is shared');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
