begin;
select plan(5);

select pgflow.create_flow('sf_only_empty');
select pgflow.add_step('sf_only_empty', 'm', step_type => 'map');
create temp table sf_oe as select * from pgflow.start_flow('sf_only_empty', '[]');
select run_id as rid from sf_oe \gset

select results_eq($$ select status, remaining_steps, output from sf_oe $$,
  $$ values ('completed'::text, 0, '{"m": []}'::jsonb) $$,
  'start_flow returns the run already completed, output {"m": []}');
select ok((select completed_at is not null and failed_at is null from pgflow.runs where run_id = :'rid'),
  'the run has completed_at');
select is((select status from pgflow.step_states where run_id = :'rid'), 'completed', 'its step is completed');
select is((select count(*)::integer from pgmq.q_sf_only_empty), 0, 'nothing was queued');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_flow');

select * from finish();
rollback;
