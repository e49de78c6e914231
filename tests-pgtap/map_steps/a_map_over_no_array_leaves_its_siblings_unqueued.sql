-- When a step completes and one dependent is a map over something that is no
-- array, the run fails; a sibling dependent that became ready at the same
-- time is not queued (it stays created, with no task and no message).
begin;
select plan(5);

select pgflow.create_flow('mnl_sib');
select pgflow.add_step('mnl_sib', 'a');
select pgflow.add_step('mnl_sib', 'single', array['a']);
select pgflow.add_step('mnl_sib', 'm', array['a'], step_type => 'map');
select run_id as r from pgflow.start_flow('mnl_sib', '{}') \gset
select count(*) from pgflow_tests.read_and_start('mnl_sib');
select count(*) from pgflow.complete_task(:'r', 'a', 0, '{"not": "an array"}');

select is((select status from pgflow.runs where run_id = :'r'), 'failed', 'the run failed');
select is((select status from pgflow.step_states where run_id = :'r' and step_slug = 'single'), 'created',
  'the sibling stays created');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'r' and step_slug <> 'a'), 0,
  'no task was queued for it or the map');
select is(cardinality(pgflow_tests.queue_message_ids('mnl_sib')), 0, 'and no message is left in the queue');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'r'), 'invariants hold');

select * from finish();
rollback;
