begin;
select plan(5);

-- start_flow's errors come through unchanged, and nothing is created.
select throws_ok($$ select pgflow.start_flow_with_states('sfws_no_such_flow', '{}') $$,
  '42704', 'flow "sfws_no_such_flow" does not exist', 'unknown flow');
select pgflow.create_flow('sfws_err');
select throws_ok($$ select pgflow.start_flow_with_states('sfws_err', '{}') $$,
  '55000', 'flow "sfws_err" has no steps', 'a flow without steps');
select pgflow.add_step('sfws_err', 'a');
select throws_ok($$ select pgflow.start_flow_with_states('sfws_err', null) $$,
  '22004', 'input of a run of flow "sfws_err" must not be null', 'null input');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sfws_err' $$, 'no run was created');
select is(cardinality(pgflow_tests.queue_message_ids('sfws_err')), 0, 'nothing was queued');

select * from finish();
rollback;
