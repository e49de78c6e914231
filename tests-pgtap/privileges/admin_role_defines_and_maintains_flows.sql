begin;
select plan(11);

-- An admin role defines flows and runs the upkeep (requeue_stalled_tasks
-- fails a task on its last attempt, through fail_task); it does not start
-- runs, work tasks or hand out privileges.
select pgflow_tests.new_role('admin') as a \gset
select pgflow_tests.new_role('other') as o \gset
select pgflow.grant_admin(:'a');

select is(pgflow_tests.as_role(:'a', $$ select flow_slug from pgflow.create_flow('pv_admin', max_attempts => 1) $$),
  'pv_admin', 'it creates a flow');
select is(pgflow_tests.as_role(:'a', $$ select step_slug from pgflow.add_step('pv_admin', 'a') $$),
  'a', 'it adds a step');
select is(pgflow_tests.as_role(:'a', $$ select count(*)::text from pgflow.flows join pgflow.steps using (flow_slug)
                                         where flow_slug = 'pv_admin' $$),
  '1', 'it reads the definitions');

-- a run whose only task was started by a worker that died
select run_id as run from pgflow.start_flow('pv_admin', '{}') \gset
select count(*) from pgflow_tests.read_and_start('pv_admin');
update pgflow.step_tasks set started_at = now() - interval '1 day' where run_id = :'run';
update pgflow.workers set last_heartbeat_at = now() - interval '1 day' where queue_name = 'pv_admin';

select is(pgflow_tests.as_role(:'a', $$ select pgflow.requeue_stalled_tasks() $$),
  '0', 'it runs requeue_stalled_tasks');
select is((select status from pgflow.runs where run_id = :'run'), 'failed', 'which failed the exhausted task''s run');
update pgflow.runs set started_at = started_at - interval '2 days', failed_at = failed_at - interval '1 day'
 where run_id = :'run';
select is(pgflow_tests.as_role(:'a', $$ select pgflow.prune('1 hour') $$), '1', 'it prunes finished runs');
select is(pgflow_tests.as_role(:'a', $$ select count(*)::text from pgflow.check_invariants() $$),
  '0', 'it checks the invariants');

select is(pgflow_tests.as_role(:'a', $$ select 1 from pgflow.start_flow('pv_admin', '{}') $$),
  'ERROR 42501: permission denied for function start_flow', 'it cannot start runs');
select is(pgflow_tests.as_role(:'a', $$ select count(*) from pgflow.start_tasks('pv_admin', '{1}', gen_random_uuid()) $$),
  'ERROR 42501: permission denied for function start_tasks', 'it cannot work tasks');
select is(pgflow_tests.as_role(:'a', format($$ select pgflow.grant_worker(%L) $$, :'o')),
  'ERROR 42501: permission denied for function grant_worker', 'it cannot hand out privileges');
select is(pgflow_tests.as_role(:'a', $$ delete from pgflow.flows returning 1 $$),
  'ERROR 42501: permission denied for table flows', 'it cannot write the tables');

select * from finish();
rollback;
