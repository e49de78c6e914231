begin;
select plan(6);

select pgflow.create_flow('ms_root', 3, 0, 60);
select pgflow.add_step('ms_root', 'each', step_type => 'map');
select pgflow.add_step('ms_root', 'plain');
select run_id as rid from pgflow.start_flow('ms_root', '[{"id": 1}, {"id": 2}, {"id": 3}]') \gset

create temp table ms_root_tasks as select * from pgflow_tests.read_and_start('ms_root');
select results_eq($$ select task_index, input from ms_root_tasks where step_slug = 'each' order by task_index $$,
  $$ values (0, '{"id": 1}'::jsonb), (1, '{"id": 2}'), (2, '{"id": 3}') $$,
  'a root map gets one task per element of the run input');
select is((select input from ms_root_tasks where step_slug = 'plain'), '{"run": [{"id": 1}, {"id": 2}, {"id": 3}]}'::jsonb,
  'a single root step gets the whole input under run');
select pgflow.complete_task(:'rid', t.step_slug, t.task_index, to_jsonb(t.task_index)) from ms_root_tasks as t;
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"each": [0, 1, 2], "plain": 0}'::jsonb) $$, 'the run completes with both leaves');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid'), 4, 'four tasks in all');
select ok((select bool_and(attempts_count = 1) from pgflow.step_tasks where run_id = :'rid'), 'each started once');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
