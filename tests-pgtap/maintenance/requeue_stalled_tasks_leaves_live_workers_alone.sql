begin;
select plan(4);

-- A task is left alone while its lease runs, and while its worker still
-- heartbeats, even past the lease (a slow handler).
select pgflow.create_flow('mnt_live', 3, 0, 60);
select pgflow.add_step('mnt_live', 'a');
select pgflow.add_step('mnt_live', 'b');
create temp table run as select run_id from pgflow.start_flow('mnt_live', '{}');
select count(*) from pgflow_tests.read_and_start('mnt_live');
-- b's lease ran out, but its worker heartbeats now
select pgflow_tests.expire_lease((select run_id from run), 'b');
select pgflow.heartbeat_worker(pgflow_tests.worker_for('mnt_live'));

select pgflow.requeue_stalled_tasks();
select results_eq(
  $$ select step_slug, status, attempts_count from pgflow.step_tasks
      where run_id = (select run_id from run) order by step_slug $$,
  $$ values ('a'::text, 'started'::text, 1), ('b', 'started', 1) $$,
  'both tasks stay started');

-- the worker falls silent for longer than the lease: now b is stalled, a is not (lease unexpired)
update pgflow.workers set last_heartbeat_at = now() - interval '1 day' where queue_name = 'mnt_live';
select pgflow.requeue_stalled_tasks();
select results_eq(
  $$ select step_slug, status from pgflow.step_tasks where run_id = (select run_id from run) order by step_slug $$,
  $$ values ('a'::text, 'started'::text), ('b', 'queued') $$,
  'a silent worker''s task whose lease ran out is queued again; one with a running lease is not');
select is((select status from pgflow.runs where run_id = (select run_id from run)), 'started', 'the run goes on');
select is_empty($$ select pgflow_tests.invariants((select run_id from run)) $$, 'invariants hold');

select * from finish();
rollback;
