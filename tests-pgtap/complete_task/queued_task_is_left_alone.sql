begin;
select plan(4);

select pgflow.create_flow('ct_queued');
select pgflow.add_step('ct_queued', 'a');
select run_id as rid from pgflow.start_flow('ct_queued', '{}') \gset

select is_empty(format($$ select * from pgflow.complete_task(%L, 'a', 0, '{}') $$, :'rid'),
  'completing a queued (not started) task returns no row');
select results_eq(format($$ select status, output, attempts_count from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('queued'::text, null::jsonb, 0) $$, 'the task stays queued');
select is((select count(*)::integer from pgmq.q_ct_queued where message ->> 'run_id' = :'rid'), 1, 'its message stays');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
