begin;
select plan(6);

-- retry_run authorizes first: a client of the run's flow retries it; a client
-- of another flow gets exactly the answer for a run that does not exist (it
-- learns nothing of the run); a worker and an admin may not call it at all.
select pgflow_tests.new_role('client') as c \gset
select pgflow_tests.new_role('stranger') as s \gset
select pgflow_tests.new_role('worker') as w \gset
select pgflow.create_flow('rr_auth', max_attempts => 1);
select pgflow.add_step('rr_auth', 'a');
select pgflow.create_flow('rr_auth_other');
select pgflow.grant_client(:'c', array['rr_auth']);
select pgflow.grant_client(:'s', array['rr_auth_other']);
select pgflow.grant_worker(:'w', array['rr_auth']);
select run_id as rid from pgflow.start_flow('rr_auth', '{}') \gset
select count(*) from pgflow_tests.read_and_start('rr_auth');
select pgflow.fail_task(:'rid', 'a', 0, 'boom');

select is(pgflow_tests.as_role(:'s', format('select status from pgflow.retry_run(%L)', :'rid')),
  format('ERROR 42704: run "%s" does not exist', :'rid'), 'a client of another flow: the run does not exist for it');
select is(pgflow_tests.as_role(:'s', $$ select status from pgflow.retry_run('00000000-0000-4000-8000-000000000000') $$),
  'ERROR 42704: run "00000000-0000-4000-8000-000000000000" does not exist', 'the same answer as for an unknown run');
select is(pgflow_tests.as_role(:'w', format('select status from pgflow.retry_run(%L)', :'rid')),
  'ERROR 42501: permission denied for function retry_run', 'a worker may not call it');
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run is still failed');
select is(pgflow_tests.as_role(:'c', format('select status from pgflow.retry_run(%L)', :'rid')),
  'started', 'a client of the flow retries it');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
