begin;
select plan(5);

select pgflow.create_flow('ct_last');
select pgflow.add_step('ct_last', 'a');
select pgflow.add_step('ct_last', 'b', array['a']);
select pgflow.add_step('ct_last', 'c', array['b']);
select run_id as rid from pgflow.start_flow('ct_last', '{}') \gset

select pgflow_tests.read_and_start('ct_last');
select pgflow.complete_task(:'rid', 'a', 0, '1');
select pgflow_tests.read_and_start('ct_last');
select pgflow.complete_task(:'rid', 'b', 0, '2');
select results_eq(format($$ select status, remaining_steps, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('started'::text, 1, null::jsonb) $$, 'with one step left the run is started, without output');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold before the last step');

select pgflow_tests.read_and_start('ct_last');
select pgflow.complete_task(:'rid', 'c', 0, '3');
select results_eq(format($$ select status, remaining_steps, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, 0, '{"c": 3}'::jsonb) $$, 'the last step completes it');
select is_empty(format($$ select * from pgmq.q_ct_last where message ->> 'run_id' = %L $$, :'rid'), 'no message left');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the last step');

select * from finish();
rollback;
