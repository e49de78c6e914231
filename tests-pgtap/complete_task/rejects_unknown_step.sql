begin;
select plan(3);

select pgflow.create_flow('ct_unk_step');
select pgflow.add_step('ct_unk_step', 'a');
select run_id as rid from pgflow.start_flow('ct_unk_step', '{}') \gset
select pgflow_tests.read_and_start('ct_unk_step');

select throws_ok(format($$ select * from pgflow.complete_task(%L, 'nope', 0, '{}') $$, :'rid'),
  '42704', 'step "nope" does not exist in flow "ct_unk_step"', 'an unknown step is refused');
select results_eq(format($$ select status from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('started'::text) $$, 'the run''s task is untouched');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
