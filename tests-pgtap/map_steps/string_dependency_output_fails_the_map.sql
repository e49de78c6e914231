begin;
select plan(3);

select pgflow.create_flow('ms_str');
select pgflow.add_step('ms_str', 'd');
select pgflow.add_step('ms_str', 'm', array['d'], step_type => 'map');
select pgflow.add_step('ms_str', 'after', array['m']);
select run_id as rid from pgflow.start_flow('ms_str', '{}') \gset
select pgflow_tests.read_and_start('ms_str');
select pgflow.complete_task(:'rid', 'd', 0, '"[1, 2]"');

select results_eq(format($$ select status, error_message from pgflow.step_states where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('failed'::text, 'map step "m" needs an array, but step "d" output string'::text) $$,
  'a string output (even one that looks like an array) fails the map');
select results_eq(format($$ select r.status, ss.status from pgflow.runs as r join pgflow.step_states as ss using (run_id)
                             where run_id = %L and ss.step_slug = 'after' $$, :'rid'),
  $$ values ('failed'::text, 'created'::text) $$, 'the run fails and the map''s dependent never starts');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
