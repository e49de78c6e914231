begin;
select plan(5);

-- Re-running a flow definition script after runs exist is harmless.
select pgflow.create_flow('as_rerun');
select pgflow.add_step('as_rerun', 'a');
select pgflow.add_step('as_rerun', 'b', array['a'], timeout => 10);
select run_id as rid from pgflow.start_flow('as_rerun', '{}') \gset
select lives_ok($$ select pgflow.create_flow('as_rerun') $$, 'create_flow again lives');
select results_eq($$ select step_slug, step_index from pgflow.add_step('as_rerun', 'a') $$,
  $$ values ('a'::text, 0) $$, 'the root step again returns it');
select results_eq($$ select step_slug, step_index from pgflow.add_step('as_rerun', 'b', array['a'], timeout => 10) $$,
  $$ values ('b'::text, 1) $$, 'the dependent step again returns it');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'as_rerun'), 2, 'still two steps');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'the run''s invariants hold');

select * from finish();
rollback;
