begin;
select plan(8);

select pgflow.create_flow('ct_repeat', 3, 0, 60);
select pgflow.add_step('ct_repeat', 'a');
select pgflow.add_step('ct_repeat', 'b', array['a']);
select run_id as rid from pgflow.start_flow('ct_repeat', '{}') \gset

-- a queued (not started) task: no-op
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'a', 0, '1')), 0,
  'completing a queued task returns no row');
select is((select status from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a'), 'queued', 'it stays queued');

select pgflow_tests.read_and_start('ct_repeat');
select is((select output from pgflow.complete_task(:'rid', 'a', 0, '1')), '1'::jsonb, 'the first completion is taken');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'a', 0, '2')), 0, 'a second one returns no row');
select is((select output from pgflow.step_tasks where run_id = :'rid' and step_slug = 'a'), '1'::jsonb,
  'and does not replace the output');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'b'), 1,
  'the dependent was queued once');
select is((select count(*)::integer from pgflow.fail_task(:'rid', 'a', 0, 'late')), 0,
  'a late failure of the completed task returns no row');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
