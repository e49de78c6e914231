begin;
select plan(6);

select pgflow.create_flow('cd_fail');
select pgflow.add_step('cd_fail', 'a');
select pgflow.add_step('cd_fail', 'b', array['a'], run_unless => '{"a": {"bad": true}}', when_unmet => 'fail');
select pgflow.add_step('cd_fail', 'c', array['a']);
select run_id as rid from pgflow.start_flow('cd_fail', '{}') \gset

select pgflow_tests.run_task(:'rid', 'a', '{"bad": true}');
select results_eq(format($$ select step_slug, status from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('a'::text, 'completed'::text), ('b', 'failed'), ('c', 'created') $$,
  'b fails before anything is queued: c, ready in the same cascade, is never queued');
select is((select error_message from pgflow.step_states where run_id = :'rid' and step_slug = 'b'),
  'step "b" was not run: its condition was not met (when_unmet is fail)', 'the step error names the step and the condition');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run fails');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'b'), 0, 'b never had a task');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold');

-- met: the same flow runs through
select run_id as rid2 from pgflow.start_flow('cd_fail', '{}') \gset
select pgflow_tests.drive('cd_fail', '{"a": {"bad": false}}');
select is((select status from pgflow.runs where run_id = :'rid2'), 'completed', 'with the condition met the run completes');

select * from finish();
rollback;
