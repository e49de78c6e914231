-- A dependency's output that its map cannot map over fails the run (and
-- the producing step: see the neighbours); its other work is archived.
begin;
select plan(7);

select pgflow.create_flow('ms_notarray', 3, 0, 60);
select pgflow.add_step('ms_notarray', 'seed');
select pgflow.add_step('ms_notarray', 'other');
select pgflow.add_step('ms_notarray', 'm', array['seed'], step_type => 'map');
select run_id as rid from pgflow.start_flow('ms_notarray', '{}') \gset
select pgflow_tests.read_and_start('ms_notarray');

select is((select count(*)::integer from pgflow.complete_task(:'rid', 'seed', 0, '{"items": [1]}')), 0,
  'the dependency''s output is refused: no task completes');
select results_eq(format($$ select status, error_message from pgflow.step_states where run_id = %L and step_slug = 'seed' $$, :'rid'),
  $$ values ('failed'::text, '[TYPE_VIOLATION] map step "m" needs an array, but step "seed" output object'::text) $$,
  'the producing step fails with a message that says why');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'and so does the run');
select is(cardinality(pgflow_tests.queue_message_ids('ms_notarray')), 0, 'the other step''s message is archived');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'other', 0, '{}')), 0,
  'later completions change nothing');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

-- JSON null, strings and numbers are not arrays either
select pgflow.create_flow('ms_notarray2', 3, 0, 60);
select pgflow.add_step('ms_notarray2', 'seed');
select pgflow.add_step('ms_notarray2', 'm', array['seed'], step_type => 'map');
select run_id as rid2 from pgflow.start_flow('ms_notarray2', '{}') \gset
select pgflow_tests.read_and_start('ms_notarray2');
select pgflow.complete_task(:'rid2', 'seed', 0, 'null');
select is((select error_message from pgflow.step_states where run_id = :'rid2' and step_slug = 'seed'),
  '[TYPE_VIOLATION] map step "m" needs an array, but step "seed" output null', 'null is named too');

select * from finish();
rollback;
