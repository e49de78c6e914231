begin;
select plan(3);

select pgflow.create_flow('st_dmap_in');
select pgflow.add_step('st_dmap_in', 'list');
select pgflow.add_step('st_dmap_in', 'm', array['list'], step_type => 'map');
select run_id as rid from pgflow.start_flow('st_dmap_in', '{"ignored": true}') \gset
select pgflow_tests.read_and_start('st_dmap_in');
select pgflow.complete_task(:'rid', 'list', 0, '["a", {"b": 2}, [3]]');

create temp table st_got as select * from pgflow_tests.read_and_start('st_dmap_in');
select results_eq($$ select step_slug, task_index, input from st_got order by task_index $$,
  $$ values ('m'::text, 0, '"a"'::jsonb), ('m', 1, '{"b": 2}'), ('m', 2, '[3]') $$,
  'each dependent map task gets its element of the dependency''s output');
select ok((select bool_and(not (input ? 'run')) from st_got where jsonb_typeof(input) = 'object'),
  'no run input is mixed in');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_tasks');

select * from finish();
rollback;
