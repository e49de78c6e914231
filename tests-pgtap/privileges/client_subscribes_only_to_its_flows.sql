begin;
select plan(4);

-- A client of flow A subscribes to A's events, not to flow C's nor to every
-- flow's; a client of every flow subscribes to pgflow_events.
select pgflow_tests.new_role('client_a') as ca \gset
select pgflow_tests.new_role('client_all') as call \gset
select pgflow.create_flow('sub_a');
select pgflow.create_flow('sub_c');
select pgflow.grant_client(:'ca', array['sub_a']);
select pgflow.grant_client(:'call');

select isnt(pgflow_tests.as_role(:'ca', $$ select pgflow.subscribe('sub_a')::text $$), null, 'its own flow''s channel');
select is(pgflow_tests.as_role(:'ca', $$ select pgflow.subscribe('sub_c')::text $$),
  format('ERROR 42501: role "%s" may not use flow "sub_c"', :'ca'), 'not another flow''s');
select is(pgflow_tests.as_role(:'ca', $$ select pgflow.subscribe('pgflow_events')::text $$),
  format('ERROR 42501: role "%s" may not subscribe to the events of every flow', :'ca'), 'nor every flow''s');
select unalike(pgflow_tests.as_role(:'call', $$ select pgflow.subscribe('pgflow_events')::text $$), 'ERROR%',
  'a client of every flow subscribes to pgflow_events');

select * from finish();
rollback;
