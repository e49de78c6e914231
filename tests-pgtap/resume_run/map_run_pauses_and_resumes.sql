begin;
select plan(5);

select pgflow.create_flow('rr_map');
select pgflow.add_step('rr_map', 'seed');
select pgflow.add_step('rr_map', 'double', array['seed'], step_type => 'map');
select pgflow.add_step('rr_map', 'triple', array['seed'], step_type => 'map');
select run_id as rid from pgflow.start_flow('rr_map', '{}') \gset
select pgflow_tests.read_and_start('rr_map');
select pgflow.pause_run(:'rid');
-- seed's output feeds both maps
select pgflow.complete_task(:'rid', 'seed', 0, '[1, 2, 3]');

select results_eq(format($$ select step_slug, status, initial_tasks from pgflow.step_states where run_id = %L order by 1 $$, :'rid'),
  $$ values ('double'::text, 'created'::text, 3), ('seed', 'completed', 1), ('triple', 'created', 3) $$,
  'while paused the maps know their size but are not started');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold while paused');
select pgflow.resume_run(:'rid');
select is(cardinality(pgflow_tests.queue_message_ids('rr_map')), 6, 'resume queues one task per element of each map');
select is(pgflow_tests.drive('rr_map', '{"double": [2, 4, 6], "triple": [3, 6, 9]}'), 6, 'the tasks run');
select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"double": [2, 4, 6], "triple": [3, 6, 9]}'::jsonb) $$, 'the run completes');

select * from finish();
rollback;
