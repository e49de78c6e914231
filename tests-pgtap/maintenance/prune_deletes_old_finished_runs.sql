begin;
select plan(8);

-- prune( older_than ) deletes completed and failed runs finished before
-- now() - older_than, with their step_states, step_tasks and archived
-- messages; started runs and recently finished ones stay.
select pgflow.create_flow('mnt_prune', 1, 0, 60);
select pgflow.add_step('mnt_prune', 'a');
create temp table runs (name text, run_id uuid);
insert into runs select 'old_completed', run_id from pgflow.start_flow('mnt_prune', '{}');
select pgflow_tests.drive('mnt_prune');
insert into runs select 'old_failed', run_id from pgflow.start_flow('mnt_prune', '{}');
select pgflow.fail_task(t.run_id, t.step_slug, t.task_index, 'boom') from pgflow_tests.read_and_start('mnt_prune') as t;
insert into runs select 'recent', run_id from pgflow.start_flow('mnt_prune', '{}');
select pgflow_tests.drive('mnt_prune');
insert into runs select 'started', run_id from pgflow.start_flow('mnt_prune', '{}');
-- the first two finished long ago
update pgflow.runs set started_at = started_at - interval '10 days', completed_at = completed_at - interval '9 days'
 where run_id = (select run_id from runs where name = 'old_completed');
update pgflow.runs set started_at = started_at - interval '10 days', failed_at = failed_at - interval '9 days'
 where run_id = (select run_id from runs where name = 'old_failed');
create temp table old_msgs as
select t.message_id from pgflow.step_tasks as t
 where t.run_id in (select run_id from runs where name like 'old_%');

select is((select count(*)::integer from pgmq.a_mnt_prune where msg_id in (select message_id from old_msgs)), 2,
  'the old runs'' messages are in the archive');
select is(pgflow.prune(interval '7 days'), 2, 'prune deletes two runs');
select is_empty($$ select 1 from pgflow.runs where run_id in (select run_id from runs where name like 'old_%') $$,
  'the old completed and failed runs are gone');
select is_empty($$ select 1 from pgflow.step_states where run_id in (select run_id from runs where name like 'old_%') $$,
  'with their step states');
select is_empty($$ select 1 from pgflow.step_tasks where run_id in (select run_id from runs where name like 'old_%') $$,
  'and tasks');
select is_empty($$ select 1 from pgmq.a_mnt_prune where msg_id in (select message_id from old_msgs) $$,
  'and archived messages');
select results_eq($$ select r.status from pgflow.runs as r join runs using (run_id) order by r.status $$,
  $$ values ('completed'::text), ('started') $$, 'the recent and the started run stay');
select is_empty($$ select pgflow_tests.invariants(run_id) from runs where name in ('recent', 'started') $$,
  'invariants hold for them');

select * from finish();
rollback;
