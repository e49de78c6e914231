begin;
select plan(3);

select pgflow.create_flow('st_elem', 3, 0, 60);
select pgflow.add_step('st_elem', 'seed');
select pgflow.add_step('st_elem', 'each', array['seed'], step_type => 'map');
select run_id as rid from pgflow.start_flow('st_elem', '{}') \gset
select pgflow_tests.read_and_start('st_elem');
select pgflow.complete_task(:'rid', 'seed', 0, '[{"a": 1}, [2], "three", null]');

create temp table st_elem_got as select * from pgflow_tests.read_and_start('st_elem');
select results_eq($$ select task_index, input from st_elem_got order by task_index $$,
  $$ values (0, '{"a": 1}'::jsonb), (1, '[2]'), (2, '"three"'), (3, 'null') $$,
  'each map task gets its element, whatever its JSON type');
select is((select count(distinct msg_id)::integer from st_elem_got), 4, 'each task has its own message');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
