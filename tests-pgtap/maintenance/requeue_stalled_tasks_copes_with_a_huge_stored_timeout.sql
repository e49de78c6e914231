-- A timeout of 2147483647 that 0.2.6 let in (set here by hand) made
-- requeue_stalled_tasks() fail with 22003 on timeout + 2, for every flow of
-- the database. Now it reads the timeout as 2147483645, like start_tasks,
-- and requeues the stalled tasks of that flow and of the others.
begin;
select plan(4);

select pgflow.create_flow('mnt_huge');
select pgflow.add_step('mnt_huge', 'a');
update pgflow.flows set opt_timeout = 2147483647 where flow_slug = 'mnt_huge';
select pgflow.create_flow('mnt_normal', timeout => 5);
select pgflow.add_step('mnt_normal', 'a');
select run_id as huge from pgflow.start_flow('mnt_huge', '{}') \gset
select run_id as normal from pgflow.start_flow('mnt_normal', '{}') \gset
select count(*) from pgflow_tests.read_and_start('mnt_huge');
select count(*) from pgflow_tests.read_and_start('mnt_normal');
select pgflow.stop_worker(pgflow_tests.worker_for('mnt_huge'));
select pgflow.stop_worker(pgflow_tests.worker_for('mnt_normal'));
-- both workers are gone; the normal task's lease ran out, the huge one's a century ago
update pgflow.step_tasks set started_at = started_at - interval '1 day' where run_id = :'normal';
update pgflow.step_tasks set started_at = started_at - interval '100 years' where run_id = :'huge';

select cmp_ok(pgflow.requeue_stalled_tasks(), '>=', 2, 'requeue_stalled_tasks runs and counts both tasks');
select results_eq(format($$ select run_id, status, attempts_count from pgflow.step_tasks where run_id in (%L, %L) order by run_id = %1$L $$,
                         :'huge', :'normal'),
  format($$ values (%L::uuid, 'queued'::text, 1), (%L, 'queued', 1) $$, :'normal', :'huge'),
  'both tasks are queued again, keeping their attempt');

-- a live lease of the huge flow is left alone
select count(*) from pgflow_tests.read_and_start('mnt_huge');
select pgflow.stop_worker(pgflow_tests.worker_for('mnt_huge'));
select pgflow.requeue_stalled_tasks();
select results_eq(format($$ select status from pgflow.step_tasks where run_id = %L $$, :'huge'),
  $$ values ('started'::text) $$, 'a task started just now is not stalled, worker gone or not');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L) $$,
                       :'huge', :'normal'), 'invariants hold');

select * from finish();
rollback;
