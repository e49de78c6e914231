begin;
select plan(8);

-- One run completed, one failed, one waiting: metrics_runs, metrics_tasks and
-- metrics_queues count them per flow, zeros included; throughput and
-- durations see the completed tasks of the last hour.
select pgflow.create_flow('mt_count', max_attempts => 1);
select pgflow.add_step('mt_count', 'a');
select pgflow.add_step('mt_count', 'b', array['a']);
select run_id as done from pgflow.start_flow('mt_count', '{}') \gset
select pgflow_tests.drive('mt_count');
select run_id as bad from pgflow.start_flow('mt_count', '{}') \gset
select count(*) from pgflow_tests.read_and_start('mt_count');
select count(*) from pgflow.fail_task(:'bad', 'a', 0, 'boom');
select run_id as waiting from pgflow.start_flow('mt_count', '{}') \gset

select results_eq($$ select status, runs from pgflow.metrics_runs() where flow_slug = 'mt_count' $$,
  $$ values ('started', 1::bigint), ('paused', 0), ('completed', 1), ('failed', 1), ('cancelled', 0) $$,
  'runs by status, zeros included');
select results_eq($$ select status, tasks from pgflow.metrics_tasks() where flow_slug = 'mt_count' $$,
  $$ values ('queued', 1::bigint), ('started', 0), ('completed', 2), ('failed', 1) $$,
  'tasks by status: in flight, and finished in the last hour');
select results_eq($$ select queue_depth, visible, oldest_visible_age_seconds >= 0
                      from pgflow.metrics_queues() where flow_slug = 'mt_count' $$,
  $$ values (1::bigint, 1::bigint, true) $$,
  'the queue holds the waiting task''s message, visible');
select is((select sum(completed) from pgflow.metrics_throughput() where flow_slug = 'mt_count'), 2::numeric,
  'two tasks completed in the last hour');
select is((select count(*) from pgflow.metrics_throughput(5) where flow_slug = 'mt_count'), 5::bigint,
  'one row per minute');
select results_eq($$ select completed, failed, failure_rate, duration_p50_seconds >= 0, duration_p95_seconds >= duration_p50_seconds
                      from pgflow.metrics_task_durations() where flow_slug = 'mt_count' $$,
  $$ values (2::bigint, 1::bigint, 1.0::double precision / 3, true, true) $$,
  'completed, failed, failure rate and durations');
select results_eq($$ select stalled from pgflow.metrics_stalled_tasks() where flow_slug = 'mt_count' $$,
  $$ values (0::bigint) $$, 'nothing stalled');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L)
                          union all select * from pgflow_tests.invariants(%L) $$, :'done', :'bad', :'waiting'),
  'invariants hold');

select * from finish();
rollback;
