begin;
select plan(5);

-- A flow's shape is frozen once it has run.
select pgflow.create_flow('as_frozen');
select pgflow.add_step('as_frozen', 'a');
select run_id as rid from pgflow.start_flow('as_frozen', '{}') \gset
select throws_ok($$ select pgflow.add_step('as_frozen', 'b', array['a']) $$,
  '55000', 'flow "as_frozen" already has runs; step "b" cannot be added', 'a dependent step is refused');
select throws_ok($$ select pgflow.add_step('as_frozen', 'c') $$,
  '55000', 'flow "as_frozen" already has runs; step "c" cannot be added', 'a root step is refused');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_frozen' $$, $$ values ('a'::text) $$,
  'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_frozen' $$, 'no deps row was added');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'the run''s invariants hold');

select * from finish();
rollback;
