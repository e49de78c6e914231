begin;
select plan(2);

-- start_flow_with_states takes start_flow's idempotency key: a second start
-- returns the first run with its states.
select pgflow.create_flow('sfws_idem');
select pgflow.add_step('sfws_idem', 'a');
select pgflow.start_flow_with_states('sfws_idem', '{}', idempotency_key => 'k') #>> '{run,run_id}' as first_run \gset
select is(pgflow.start_flow_with_states('sfws_idem', '{"again": true}', null, 'k') #>> '{run,run_id}', :'first_run',
  'the same run');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sfws_idem'), 1, 'one run');

select * from finish();
rollback;
