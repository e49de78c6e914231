begin;
select plan(5);

select pgflow.create_flow('ct_json_null');
select pgflow.add_step('ct_json_null', 'a');
select pgflow.add_step('ct_json_null', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ct_json_null', '{}') \gset
select pgflow_tests.read_and_start('ct_json_null');

select is((select count(*)::integer from pgflow.complete_task(:'rid', 'a', 0, 'null'::jsonb)), 1,
  'JSON null is an output');
select results_eq(format($$ select status, output from pgflow.step_states where run_id = %L and step_slug = 'a' $$, :'rid'),
  $$ values ('completed'::text, 'null'::jsonb) $$, 'the step completes with output null');
select is((select input from pgflow_tests.read_and_start('ct_json_null')), '{"run": {}, "a": null}'::jsonb,
  'the dependent sees "a": null');
select pgflow.complete_task(:'rid', 'b', 0, 'null'::jsonb);
select is((select output from pgflow.runs where run_id = :'rid'), '{"b": null}'::jsonb, 'the run output keeps the null leaf');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
