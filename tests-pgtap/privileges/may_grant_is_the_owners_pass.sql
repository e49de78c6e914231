begin;
select plan(8);

-- Whoever may pass pgflow's privileges on (_may_grant: the owner, a
-- superuser, a role holding them with grant option) passes the client checks
-- for every flow: subscribe to pgflow_events, and change any flow's runs
-- (_authorize_client through _lock_client_run). A client or an admin may not
-- pass privileges on.
select pgflow_tests.new_role('client') as cl \gset
select pgflow_tests.new_role('admin') as adm \gset
select pgflow.create_flow('mg_mine');
select pgflow.add_step('mg_mine', 'x');
select pgflow.create_flow('mg_other');
select pgflow.add_step('mg_other', 'x');
select pgflow.grant_client(:'cl', array['mg_mine']);
select pgflow.grant_admin(:'adm');
select run_id from pgflow.start_flow('mg_other', '{}') \gset

select ok(pgflow._may_grant(current_user), 'the owner (a superuser here) may pass privileges on');
select ok(not pgflow._may_grant(:'cl'), 'a client may not');
select ok(not pgflow._may_grant(:'adm'), 'an admin may not');
select is(pgflow_tests.as_role(:'cl', $$ select (pgflow.subscribe('pgflow_events') > now())::text $$),
  format('ERROR 42501: role "%s" may not subscribe to the events of every flow', :'cl'),
  'a client of one flow does not subscribe to every flow''s events');
select is(pgflow_tests.as_role(:'cl', format($$ select status from pgflow.cancel_run(%L) $$, :'run_id')),
  format('ERROR 42704: run "%s" does not exist', :'run_id'), 'nor sees a run of another flow');

grant execute on function pgflow.start_tasks(text, bigint[], uuid) to :"cl" with grant option;
select ok(pgflow._may_grant(:'cl'), 'holding the privileges with grant option, it may pass them on');
select is(pgflow_tests.as_role(:'cl', $$ select (pgflow.subscribe('pgflow_events') > now())::text $$),
  'true', 'and subscribes to every flow''s events');
select is(pgflow_tests.as_role(:'cl', format($$ select status from pgflow.cancel_run(%L) $$, :'run_id')),
  'cancelled', 'and cancels a run of another flow');

select * from finish();
rollback;
