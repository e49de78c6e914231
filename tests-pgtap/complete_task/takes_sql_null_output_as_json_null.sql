begin;
select plan(4);

-- complete_task(..., output => NULL) completes the task with JSON null, as
-- upstream pgflow 0.8.1 accepts it (a handler that returns nothing).
select pgflow.create_flow('ct_null_out');
select pgflow.add_step('ct_null_out', 'a');
select pgflow.add_step('ct_null_out', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ct_null_out', '{}') \gset
select pgflow_tests.read_and_start('ct_null_out');

select is((select status from pgflow.complete_task(:'rid', 'a', 0, output => null)), 'completed',
  'an SQL NULL output completes the task');
select is((select output from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a'), 'null'::jsonb,
  'its output is JSON null');
select is((select input from pgflow_tests.read_and_start('ct_null_out')), '{"a": null, "run": {}}'::jsonb,
  'the dependent gets it as null');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
