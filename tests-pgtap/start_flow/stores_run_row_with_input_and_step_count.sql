begin;
select plan(7);

select pgflow.create_flow('sf_run_row');
select pgflow.add_step('sf_run_row', 'a');
select pgflow.add_step('sf_run_row', 'b', array['a']);
select pgflow.add_step('sf_run_row', 'c', array['a', 'b']);
select run_id as rid from pgflow.start_flow('sf_run_row', '{"user": 42, "tags": ["x"]}') \gset

select is((select status from pgflow.runs where run_id = :'rid'), 'started', 'the run is started');
select is((select remaining_steps from pgflow.runs where run_id = :'rid'), 3, 'remaining_steps is the flow''s step count');
select is((select input from pgflow.runs where run_id = :'rid'), '{"user": 42, "tags": ["x"]}'::jsonb, 'the input is stored as given');
select is((select flow_slug from pgflow.runs where run_id = :'rid'), 'sf_run_row', 'the run belongs to the flow');
select ok((select output is null and completed_at is null and failed_at is null from pgflow.runs where run_id = :'rid'),
  'no output, completed_at or failed_at yet');
select is((select started_at from pgflow.runs where run_id = :'rid'), now(), 'started_at is the transaction''s time');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_flow');

select * from finish();
rollback;
