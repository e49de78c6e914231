begin;
select plan(4);

-- Skipping makes further steps ready, whose conditions are tested in the same cascade.
select pgflow.create_flow('cd_chain');
select pgflow.add_step('cd_chain', 'a', run_if => '{"run": {"x": 1}}');
select pgflow.add_step('cd_chain', 'b', array['a'], run_if => '{"a": {}}');
select pgflow.add_step('cd_chain', 'c', array['b'], run_if => '{"run": {"x": 1}}');
select pgflow.add_step('cd_chain', 'd', array['c']);

select run_id as rid from pgflow.start_flow('cd_chain', '{"x": 2}') \gset
select results_eq(format($$ select step_slug, status from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('a'::text, 'skipped'::text), ('b', 'skipped'), ('c', 'skipped'), ('d', 'started') $$,
  'a, b (a has no key: {"a": {}} is not contained) and c are skipped one after another; d is queued');
select is((select input from pgflow_tests.read_and_start('cd_chain') as t where t.run_id = :'rid'),
  '{"run": {"x": 2}}'::jsonb, 'd gets the run input only');
select pgflow_tests.run_task(:'rid', 'd', '"end"');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"d": "end"}'::jsonb) $$, 'the run completes');
select is_empty(format('select * from pgflow_tests.invariants(%L)', :'rid'), 'invariants hold');

select * from finish();
rollback;
