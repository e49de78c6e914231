begin;
select plan(11);

-- A client role starts runs and reads them, with no privilege on pgmq; it
-- cannot work tasks, define flows or write pgflow's tables.
select pgflow_tests.new_role('client') as c \gset
select pgflow.create_flow('pv_client');
select pgflow.add_step('pv_client', 'a');
select pgflow.grant_client(:'c');

select is(pgflow_tests.as_role(:'c', $$ select status from pgflow.start_flow('pv_client', '{"x": 1}',
                                         '00000000-0000-4000-8000-0000000c0001') $$),
  'started', 'it starts a run');
select is(pgflow_tests.as_role(:'c', $$ select pgflow.start_flow_with_states('pv_client', '{}') -> 'run' ->> 'status' $$),
  'started', 'it starts a run with states');
select is(pgflow_tests.as_role(:'c', $$ select pgflow.get_run_with_states('00000000-0000-4000-8000-0000000c0001') -> 'run' ->> 'input' $$),
  '{"x": 1}', 'it reads a run with its states');
select is(pgflow_tests.as_role(:'c', $$ select count(*)::text from pgflow.runs as r join pgflow.step_states using (run_id)
                                         join pgflow.step_tasks using (run_id, step_slug) where r.flow_slug = 'pv_client' $$),
  '2', 'it reads runs, step states and tasks');
select ok(not has_schema_privilege(:'c', 'pgmq', 'usage'), 'it has no privilege on pgmq');
select is(pgflow_tests.as_role(:'c', $$ select count(*) from pgmq.read('pv_client', 30, 10) $$),
  'ERROR 42501: permission denied for schema pgmq', 'it cannot read the queue');
select is(pgflow_tests.as_role(:'c', $$ select count(*) from pgflow.start_tasks('pv_client', '{1}', gen_random_uuid()) $$),
  'ERROR 42501: permission denied for function start_tasks', 'it cannot start tasks');
select is(pgflow_tests.as_role(:'c', $$ select count(*) from pgflow.complete_task('00000000-0000-4000-8000-0000000c0001', 'a', 0, '{}') $$),
  'ERROR 42501: permission denied for function complete_task', 'it cannot complete tasks');
select is(pgflow_tests.as_role(:'c', $$ select 1 from pgflow.create_flow('pv_client_new') $$),
  'ERROR 42501: permission denied for function create_flow', 'it cannot define flows');
select is(pgflow_tests.as_role(:'c', $$ update pgflow.runs set status = 'completed' returning 1 $$),
  'ERROR 42501: permission denied for table runs', 'it cannot write the tables');
select is_empty($$ select r.run_id, i from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i
                    where r.flow_slug = 'pv_client' $$, 'invariants hold for its runs');

select * from finish();
rollback;
