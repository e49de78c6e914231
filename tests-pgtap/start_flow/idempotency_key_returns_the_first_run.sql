begin;
select plan(14);

-- A second start of a flow with the same idempotency key starts nothing and
-- returns the first run, row for row, whatever its input; the key is per flow.
select pgflow.create_flow('sf_idem');
select pgflow.add_step('sf_idem', 'a');
select pgflow.create_flow('sf_idem_other');
select pgflow.add_step('sf_idem_other', 'a');

create temp table first_run as select * from pgflow.start_flow('sf_idem', '{"order": 1}', idempotency_key => 'order-1');
select is((select idempotency_key from first_run), 'order-1', 'the run keeps its key');
select results_eq($$ select * from pgflow.start_flow('sf_idem', '{"order": 2}', idempotency_key => 'order-1') $$,
  $$ select * from first_run $$, 'a second start with the key returns the first run');
select results_eq($$ select * from pgflow.start_flow('sf_idem', '{}', null, 'order-1') $$,
  $$ select * from first_run $$, 'positionally too');
select results_eq($$ select * from pgflow.start_flow('sf_idem', '{}', (select run_id from first_run), 'order-1') $$,
  $$ select * from first_run $$, 'and with the first run''s own run_id');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sf_idem'), 1, 'one run');
select is((select count(*)::integer from pgflow.step_states where run_id = (select run_id from first_run)), 1,
  'with one step state');
select is(cardinality(pgflow_tests.queue_message_ids('sf_idem')), 1, 'and one queued task');

select results_eq($$ select * from pgflow.start_flow('sf_idem', '{}', '00000000-0000-4000-8000-00000000e101', 'order-1') $$,
  $$ select * from first_run $$, 'a run_id given with the key is not used: the key''s run comes back');
select is_empty($$ select from pgflow.runs where run_id = '00000000-0000-4000-8000-00000000e101' $$, 'and nothing starts');
select isnt((select run_id from pgflow.start_flow('sf_idem_other', '{}', idempotency_key => 'order-1')),
  (select run_id from first_run), 'the same key starts a run of another flow');
select isnt((select run_id from pgflow.start_flow('sf_idem', '{}', idempotency_key => 'order-2')),
  (select run_id from first_run), 'another key starts another run');
select isnt((select run_id from pgflow.start_flow('sf_idem', '{}')), (select run_id from pgflow.start_flow('sf_idem', '{}')),
  'without a key, start_flow starts each time');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sf_idem'), 4, 'so the flow has four runs');
select is_empty($$ select r.run_id, i.broken from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i(broken)
                    where r.flow_slug in ('sf_idem', 'sf_idem_other') $$, 'invariants hold');

select * from finish();
rollback;
