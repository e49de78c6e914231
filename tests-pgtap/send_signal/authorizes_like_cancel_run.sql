begin;
select plan(5);

-- A client of the flow may send signals to its runs; to a client of another
-- flow, the run does not exist (the answer for an unknown run); an admin
-- may not (admins start and change no run).
select pgflow_tests.new_role('client_a') as ca \gset
select pgflow_tests.new_role('client_b') as cb \gset
select pgflow_tests.new_role('admin') as adm \gset
select pgflow.create_flow('ss_auth_a');
select pgflow.add_step('ss_auth_a', 'approve', step_type => 'signal');
select pgflow.create_flow('ss_auth_b');
select pgflow.add_step('ss_auth_b', 'x');
select pgflow.grant_client(:'ca', array['ss_auth_a']);
select pgflow.grant_client(:'cb', array['ss_auth_b']);
select pgflow.grant_admin(:'adm');
select run_id from pgflow.start_flow('ss_auth_a', '{}') \gset
select set_config('t.run', :'run_id', true);

select is(pgflow_tests.as_role(:'cb', format($$ select status from pgflow.send_signal(%L, 'approve', '{}') $$, :'run_id')),
  format('ERROR 42704: run "%s" does not exist', :'run_id'), 'a client of another flow: no such run');
select is(pgflow_tests.as_role(:'adm', format($$ select status from pgflow.send_signal(%L, 'approve', '{}') $$, :'run_id')),
  'ERROR 42501: permission denied for function send_signal', 'an admin may not');
select is(pgflow_tests.as_role(:'ca', format($$ select status from pgflow.send_signal(%L, 'approve', '{"ok": 1}') $$, :'run_id')),
  'completed', 'a client of the flow completes the step');
select is(pgflow_tests.as_role(:'ca', format($$ select count(*)::text from pgflow.signals where run_id = %L $$, :'run_id')),
  '1', 'and reads its signal');
select is(pgflow_tests.as_role(:'cb', format($$ select count(*)::text from pgflow.signals where run_id = %L $$, :'run_id')),
  '0', 'which another flow''s client does not see');

select * from finish();
rollback;
