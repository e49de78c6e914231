begin;
select plan(6);

select pgflow.create_flow('sf_rmap');
select pgflow.add_step('sf_rmap', 'm', step_type => 'map');
select pgflow.add_step('sf_rmap', 'after', array['m']);
select run_id as rid from pgflow.start_flow('sf_rmap', '[10, 20, 30, 40]') \gset

select results_eq(format($$ select status, initial_tasks, remaining_tasks from pgflow.step_states
                             where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('started'::text, 4, 4) $$, 'the root map is started with one task per element');
select results_eq(format($$ select task_index, status from pgflow.step_tasks where run_id = %L and step_slug = 'm' order by task_index $$, :'rid'),
  $$ values (0, 'queued'::text), (1, 'queued'), (2, 'queued'), (3, 'queued') $$, 'tasks 0..3 are queued');
select results_eq(format($$ select (q.message ->> 'task_index')::integer, t.task_index from pgflow.step_tasks as t
                             join pgmq.q_sf_rmap as q on q.msg_id = t.message_id
                            where t.run_id = %L order by t.task_index $$, :'rid'),
  $$ values (0, 0), (1, 1), (2, 2), (3, 3) $$, 'each task''s message names its own task_index');
select is((select count(distinct message_id)::integer from pgflow.step_tasks where run_id = :'rid'), 4,
  'four distinct messages');
select is((select remaining_deps from pgflow.step_states where run_id = :'rid' and step_slug = 'after'), 1,
  'the dependent waits');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_flow');

select * from finish();
rollback;
