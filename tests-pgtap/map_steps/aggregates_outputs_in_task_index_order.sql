begin;
select plan(8);

select pgflow.create_flow('ms_order', 3, 0, 60);
select pgflow.add_step('ms_order', 'seed');
select pgflow.add_step('ms_order', 'sq', array['seed'], step_type => 'map');
select pgflow.add_step('ms_order', 'total', array['sq']);
select run_id as rid from pgflow.start_flow('ms_order', '{}') \gset
select pgflow_tests.read_and_start('ms_order');
select pgflow.complete_task(:'rid', 'seed', 0, '[3, 1, 4, 1, 5]');

select results_eq(format($$ select initial_tasks, status from pgflow.step_states where run_id = %L and step_slug = 'sq' $$, :'rid'),
  $$ values (5, 'started'::text) $$, 'the map gets one task per element of its dependency''s output');
create temp table ms_tasks as select * from pgflow_tests.read_and_start('ms_order');
select results_eq($$ select task_index, input from ms_tasks order by task_index $$,
  $$ values (0, '3'::jsonb), (1, '1'), (2, '4'), (3, '1'), (4, '5') $$, 'task i gets element i');

-- complete out of order
select pgflow.complete_task(:'rid', 'sq', i, to_jsonb(i * 10)) from unnest(array[4, 2, 0, 3]) as i;
select is((select remaining_tasks from pgflow.step_states where run_id = :'rid' and step_slug = 'sq'), 1, 'one task remains');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'total'), 0,
  'the dependent waits for every task');
select pgflow.complete_task(:'rid', 'sq', 1, '10');
select is((select output from pgflow.step_states where run_id = :'rid' and step_slug = 'sq'), '[0, 10, 20, 30, 40]'::jsonb,
  'the map''s output is its tasks'' outputs in task_index order');
select is((select input from pgflow_tests.read_and_start('ms_order')), '{"run": {}, "sq": [0, 10, 20, 30, 40]}'::jsonb,
  'its dependent gets the array');
select pgflow.complete_task(:'rid', 'total', 0, '100');
select is((select status from pgflow.runs where run_id = :'rid'), 'completed', 'the run completes');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
