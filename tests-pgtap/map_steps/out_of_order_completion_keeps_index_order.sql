begin;
select plan(5);

select pgflow.create_flow('ms_order');
select pgflow.add_step('ms_order', 'm', step_type => 'map');
select pgflow.add_step('ms_order', 'after', array['m']);
select run_id as rid from pgflow.start_flow('ms_order', '[1, 2, 3, 4]') \gset
select pgflow_tests.read_and_start('ms_order');

select pgflow.complete_task(:'rid', 'm', 3, '"d"');
select pgflow.complete_task(:'rid', 'm', 0, '"a"');
select results_eq(format($$ select status, remaining_tasks, output from pgflow.step_states where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('started'::text, 2, null::jsonb) $$, 'with tasks left the map is started, no output yet');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'after'), 'created',
  'its dependent waits for all tasks');
select pgflow.complete_task(:'rid', 'm', 2, '"c"');
select pgflow.complete_task(:'rid', 'm', 1, '"b"');
select is((select output from pgflow.step_states where run_id = :'rid' and step_slug = 'm'), '["a", "b", "c", "d"]'::jsonb,
  'the output lists task outputs in task_index order, not completion order');
select is((select input from pgflow_tests.read_and_start('ms_order')), '{"run": [1, 2, 3, 4], "m": ["a", "b", "c", "d"]}'::jsonb,
  'a single dependent sees the whole array');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
