begin;
select plan(6);

-- A caller-chosen run_id that exists already is an error; the first run is untouched.
select pgflow.create_flow('sf_dup');
select pgflow.add_step('sf_dup', 'a');
select pgflow.start_flow('sf_dup', '{"first": true}', '00000000-0000-4000-8000-00000000d101');
select throws_ok($$ select pgflow.start_flow('sf_dup', '{"second": true}', '00000000-0000-4000-8000-00000000d101') $$,
  '23505', 'run "00000000-0000-4000-8000-00000000d101" already exists', 'a reused run id is refused');
select pgflow.create_flow('sf_dup_other');
select pgflow.add_step('sf_dup_other', 'a');
select throws_ok($$ select pgflow.start_flow('sf_dup_other', '{}', '00000000-0000-4000-8000-00000000d101') $$,
  '23505', 'run "00000000-0000-4000-8000-00000000d101" already exists', 'even for another flow');
select results_eq($$ select flow_slug, input from pgflow.runs where run_id = '00000000-0000-4000-8000-00000000d101' $$,
  $$ values ('sf_dup'::text, '{"first": true}'::jsonb) $$, 'the first run is untouched');
select is((select count(*)::integer from pgflow.step_states where run_id = '00000000-0000-4000-8000-00000000d101'), 1,
  'it still has one step state');
select is(cardinality(pgflow_tests.queue_message_ids('sf_dup')) + cardinality(pgflow_tests.queue_message_ids('sf_dup_other')), 1,
  'only the first run''s task was queued');
select is_empty($$ select * from pgflow_tests.invariants('00000000-0000-4000-8000-00000000d101') $$, 'invariants hold');

select * from finish();
rollback;
