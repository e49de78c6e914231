begin;
select plan(3);

select pgflow.create_flow('st_root_in');
select pgflow.add_step('st_root_in', 'a');
select run_id as rid from pgflow.start_flow('st_root_in', '{"user_id": 123, "list": [1, 2]}') \gset

create temp table st_got as select * from pgflow_tests.read_and_start('st_root_in');
select is((select input from st_got), '{"run": {"user_id": 123, "list": [1, 2]}}'::jsonb,
  'a root step''s input is {"run": <run input>}');
select results_eq($$ select flow_slug, run_id, step_slug, task_index from st_got $$,
  format($$ values ('st_root_in'::text, %L::uuid, 'a'::text, 0) $$, :'rid'),
  'the record names flow, run, step and task 0');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_tasks');

select * from finish();
rollback;
