begin;
select plan(3);

select pgflow.create_flow('sf_empty');
select throws_ok($$ select pgflow.start_flow('sf_empty', '{}') $$,
  '55000', 'flow "sf_empty" has no steps', 'a flow without steps cannot start');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'sf_empty' $$, 'no run was created');
select is(cardinality(pgflow_tests.queue_message_ids('sf_empty')), 0, 'nothing was queued');

select * from finish();
rollback;
