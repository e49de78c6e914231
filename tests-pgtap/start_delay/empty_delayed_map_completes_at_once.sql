begin;
select plan(2);

select pgflow.create_flow('sd_empty');
select pgflow.add_step('sd_empty', 'm', step_type => 'map', start_delay => 30);
select run_id as rid from pgflow.start_flow('sd_empty', '[]') \gset

select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"m": []}'::jsonb) $$, 'a delayed map over [] does not wait: the run completes at once');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
