begin;
select plan(5);

select pgflow.create_flow('st_dep_in');
select pgflow.add_step('st_dep_in', 'a');
select pgflow.add_step('st_dep_in', 'b', array['a']);
select pgflow.add_step('st_dep_in', 'c');
select pgflow.add_step('st_dep_in', 'd', array['b', 'c']);
select run_id as rid from pgflow.start_flow('st_dep_in', '{"k": 1}') \gset

select pgflow_tests.read_and_start('st_dep_in');
select pgflow.complete_task(:'rid', 'a', 0, '{"from": "a"}');
select pgflow.complete_task(:'rid', 'c', 0, '"c-out"');
create temp table st_b as select * from pgflow_tests.read_and_start('st_dep_in');
select is((select input from st_b where step_slug = 'b'), '{"run": {"k": 1}, "a": {"from": "a"}}'::jsonb,
  'b gets the run input and a''s output');
select is((select count(*)::integer from st_b), 1, 'only b is startable, d still waits for b');

select pgflow.complete_task(:'rid', 'b', 0, '[1, 2, 3]');
create temp table st_d as select * from pgflow_tests.read_and_start('st_dep_in');
select is((select input from st_d where step_slug = 'd'), '{"run": {"k": 1}, "b": [1, 2, 3], "c": "c-out"}'::jsonb,
  'd gets the run input and its direct deps b and c, not a');
select ok(not ((select input from st_d) ? 'a'), 'a transitive dependency is left out');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_tasks');

select * from finish();
rollback;
