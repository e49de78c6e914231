begin;
select plan(7);

select pgflow.create_flow('ms_obj');
select pgflow.add_step('ms_obj', 'd');
select pgflow.add_step('ms_obj', 'side');
select pgflow.add_step('ms_obj', 'm', array['d'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_obj', '{}') \gset
select pgflow_tests.read_and_start('ms_obj');
select message_id as side_msg from pgflow.step_tasks where run_id = :'rid' and step_slug = 'side' \gset

select is((select status from pgflow.complete_task(:'rid', 'd', 0, '{"items": [1, 2]}')), 'completed',
  'd itself completes');
select results_eq(format($$ select status, error_message from pgflow.step_states where run_id = %L and step_slug = 'm' $$, :'rid'),
  $$ values ('failed'::text, 'map step "m" needs an array, but step "d" output object'::text) $$,
  'the map fails, naming the map, the dependency and the type');
select ok((select failed_at is not null from pgflow.step_states where run_id = :'rid' and step_slug = 'm'), 'with failed_at');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run fails');
select is_empty(format($$ select * from pgflow.step_tasks where run_id = %L and step_slug = 'm' $$, :'rid'), 'no map task is made');
select is_empty(format($$ select * from pgmq.q_ms_obj where msg_id = %s $$, :'side_msg'),
  'the run''s other work is archived');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
