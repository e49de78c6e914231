begin;
select plan(4);

select pgflow.create_flow('cd_out');
select pgflow.add_step('cd_out', 'a');
select pgflow.add_step('cd_out', 'leaf_on', array['a'], run_if => '{"a": {"on": true}}');
select pgflow.add_step('cd_out', 'leaf_off', array['a'], run_unless => '{"a": {"on": true}}');
select pgflow.add_step('cd_out', 'leaf', array['a']);

select run_id as rid from pgflow.start_flow('cd_out', '{}') \gset
select pgflow_tests.drive('cd_out', '{"a": {"on": true}, "leaf_on": 1, "leaf_off": 2, "leaf": 3}');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"leaf_on": 1, "leaf": 3}'::jsonb) $$,
  'the run output has the completed leaves only, no key for the skipped leaf_off');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'leaf_off'), 'skipped',
  'leaf_off was skipped');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold');

-- get_run_with_states shows the skip columns as they are.
select is((pgflow.get_run_with_states(:'rid') -> 'steps' -> 2) - 'created_at' - 'skipped_at' - 'run_id',
  '{"flow_slug": "cd_out", "step_slug": "leaf_off", "status": "skipped", "remaining_tasks": null,
    "remaining_deps": 0, "started_at": null, "completed_at": null, "failed_at": null, "initial_tasks": 1,
    "output": null, "error_message": null, "skip_reason": "condition_unmet", "cancelled_at": null}'::jsonb,
  'get_run_with_states returns the skipped step with its skip_reason');

select * from finish();
rollback;
