begin;
select plan(6);

-- a -> b, a -> c; d alone: leaves are b, c and d
select pgflow.create_flow('ct_leaves');
select pgflow.add_step('ct_leaves', 'a');
select pgflow.add_step('ct_leaves', 'b', array['a']);
select pgflow.add_step('ct_leaves', 'c', array['a']);
select pgflow.add_step('ct_leaves', 'd');
select run_id as rid from pgflow.start_flow('ct_leaves', '{}') \gset
select pgflow_tests.drive('ct_leaves', '{"a": {"A": 1}, "b": {"B": 2}, "c": {"C": [3]}, "d": "D"}');

select is((select status from pgflow.runs where run_id = :'rid'), 'completed', 'the run completes when no step remains');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 0, 'remaining_steps is 0');
select is((select output from pgflow.runs where run_id = :'rid'), '{"b": {"B": 2}, "c": {"C": [3]}, "d": "D"}'::jsonb,
  'its output holds the leaf steps'' outputs by slug, not a''s');
select is((select completed_at from pgflow.runs where run_id = :'rid'), now(), 'completed_at is set');
select is((select failed_at from pgflow.runs where run_id = :'rid'), null, 'failed_at is not');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the run completed');

select * from finish();
rollback;
