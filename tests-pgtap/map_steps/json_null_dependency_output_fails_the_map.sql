begin;
select plan(3);

select pgflow.create_flow('ms_null');
select pgflow.add_step('ms_null', 'd');
select pgflow.add_step('ms_null', 'm', array['d'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_null', '{}') \gset
select pgflow_tests.read_and_start('ms_null');
select pgflow.complete_task(:'rid', 'd', 0, 'null'::jsonb);

select results_eq(format($$ select status, error_message from pgflow.step_states where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('failed'::text, 'map step "m" needs an array, but step "d" output null'::text) $$,
  'a JSON null output fails the map');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'and the run');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
