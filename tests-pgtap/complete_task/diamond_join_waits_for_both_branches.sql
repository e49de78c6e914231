begin;
select plan(8);

select pgflow.create_flow('ct_diamond');
select pgflow.add_step('ct_diamond', 'start');
select pgflow.add_step('ct_diamond', 'left', array['start']);
select pgflow.add_step('ct_diamond', 'right', array['start']);
select pgflow.add_step('ct_diamond', 'join', array['left', 'right']);
select run_id as rid from pgflow.start_flow('ct_diamond', '{}') \gset

select pgflow_tests.read_and_start('ct_diamond');
select pgflow.complete_task(:'rid', 'start', 0, '{"s": 1}');
select results_eq(format($$ select step_slug, status from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('join'::text, 'created'::text), ('left', 'started'), ('right', 'started'), ('start', 'completed') $$,
  'both branches are queued together');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start');

select pgflow_tests.read_and_start('ct_diamond');
select pgflow.complete_task(:'rid', 'right', 0, '{"r": 1}');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'join'), 'created',
  'after one branch the join still waits');
select is((select remaining_deps from pgflow.step_states where run_id = :'rid' and step_slug = 'join'), 1, 'for one dependency');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after one branch');

select pgflow.complete_task(:'rid', 'left', 0, '{"l": 1}');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'join'), 'started',
  'after both the join is queued');
select is((select input from pgflow_tests.read_and_start('ct_diamond')),
  '{"run": {}, "left": {"l": 1}, "right": {"r": 1}}'::jsonb, 'and sees both branches'' outputs');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after both branches');

select * from finish();
rollback;
