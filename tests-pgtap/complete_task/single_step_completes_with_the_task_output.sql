begin;
select plan(4);

select pgflow.create_flow('ct_single');
select pgflow.add_step('ct_single', 'a');
select pgflow.add_step('ct_single', 'b');
select run_id as rid from pgflow.start_flow('ct_single', '{}') \gset
select pgflow_tests.read_and_start('ct_single');
select pgflow.complete_task(:'rid', 'a', 0, '[1, "two"]');

select results_eq(format($$ select status, remaining_tasks, output from pgflow.step_states where run_id = %L and step_slug = 'a' $$, :'rid'),
  $$ values ('completed'::text, 0, '[1, "two"]'::jsonb) $$, 'the step is completed with the task''s output');
select is((select completed_at from pgflow.step_states where run_id = :'rid' and step_slug = 'a'), now(), 'completed_at is set');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 1, 'the run has one step left');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after complete_task');

select * from finish();
rollback;
