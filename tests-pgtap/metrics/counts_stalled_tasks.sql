begin;
select plan(3);

-- A started task whose lease ran out (started_at + timeout + 2 s) is stalled
-- until requeue_stalled_tasks gives it back; a fresh one is not.
select pgflow.create_flow('mt_stall', timeout => 30);
select pgflow.add_step('mt_stall', 'a');
select run_id as r1 from pgflow.start_flow('mt_stall', '{}') \gset
select run_id as r2 from pgflow.start_flow('mt_stall', '{}') \gset
select count(*) from pgflow_tests.read_and_start('mt_stall');
update pgflow.step_tasks set started_at = started_at - interval '1 hour' where run_id = :'r1';

select results_eq($$ select stalled, oldest_started_at < now() - interval '59 minutes'
                      from pgflow.metrics_stalled_tasks() where flow_slug = 'mt_stall' $$,
  $$ values (1::bigint, true) $$, 'one stalled task, started an hour ago');
select results_eq($$ select status, tasks from pgflow.metrics_tasks() where flow_slug = 'mt_stall' and status = 'started' $$,
  $$ values ('started', 2::bigint) $$, 'both are started');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L) $$,
                       :'r1', :'r2'), 'invariants hold');

select * from finish();
rollback;
