begin;
select plan(6);

select pgflow.create_flow('ms_per_elem');
select pgflow.add_step('ms_per_elem', 'list');
select pgflow.add_step('ms_per_elem', 'm', array['list'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_per_elem', '{}') \gset
select is((select initial_tasks from pgflow.step_states where run_id = :'rid' and step_slug = 'm'), null,
  'before its dependency completes, a dependent map has no task count');
select pgflow_tests.read_and_start('ms_per_elem');
select pgflow.complete_task(:'rid', 'list', 0, '["a", "b", "c", "d", "e"]');

select results_eq(format($$ select status, initial_tasks, remaining_tasks from pgflow.step_states where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('started'::text, 5, 5) $$, 'the map starts with one task per element of the output');
select results_eq(format($$ select task_index from pgflow.step_tasks where run_id = %L and step_slug = 'm' order by task_index $$, :'rid'),
  $$ values (0), (1), (2), (3), (4) $$, 'task indexes 0..4');
select ok((select bool_and((q.message ->> 'task_index')::integer = t.task_index and q.message ->> 'step_slug' = 'm')
             from pgflow.step_tasks as t join pgmq.q_ms_per_elem as q on q.msg_id = t.message_id
            where t.run_id = :'rid' and t.step_slug = 'm'),
  'each task''s message names its own index');
select results_eq(format($$ select task_index from pgflow.step_tasks where run_id = %L and step_slug = 'm' order by message_id $$, :'rid'),
  $$ values (0), (1), (2), (3), (4) $$, 'messages are sent in index order');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
