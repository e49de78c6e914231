begin;
select plan(3);

select pgflow.create_flow('st_rmap_in');
select pgflow.add_step('st_rmap_in', 'm', step_type => 'map');
select run_id as rid from pgflow.start_flow('st_rmap_in', '[{"id": 1}, "two", 3, null]') \gset

create temp table st_got as select * from pgflow_tests.read_and_start('st_rmap_in');
select results_eq($$ select task_index, input from st_got order by task_index $$,
  $$ values (0, '{"id": 1}'::jsonb), (1, '"two"'), (2, '3'), (3, 'null') $$,
  'each root map task gets its element of the run input, nothing more');
select ok((select bool_and(msg_id = t.message_id) from st_got as g
             join pgflow.step_tasks as t on t.run_id = g.run_id and t.step_slug = g.step_slug and t.task_index = g.task_index),
  'each record carries its own task''s message');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_tasks');

select * from finish();
rollback;
