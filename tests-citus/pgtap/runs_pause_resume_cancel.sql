begin;
select plan(6);

-- Run by tests-citus/citus-test.sh after pgflow.distribute(). A run's
-- pause, resume and cancel go to the run's shard. The flow and the runs are
-- inserted as rows, as in 0.2.10, when create_flow and start_flow were not
-- Citus-ready yet.
insert into pgflow.flows as f (flow_slug) values ('citus_runs');
select pgmq.create('citus_runs');
insert into pgflow.runs as r (run_id, flow_slug, input, remaining_steps)
values ('22222222-2222-2222-2222-222222222222', 'citus_runs', '{}', 1),
       ('33333333-3333-3333-3333-333333333333', 'citus_runs', '{}', 1);

select is((select status from pgflow.pause_run('22222222-2222-2222-2222-222222222222')), 'paused', 'pause_run');
-- resume_run cascades (with one connection per node, set by distribute())
select lives_ok($$ select pgflow.resume_run('22222222-2222-2222-2222-222222222222') $$,
  'resume_run (custom plans, set by distribute())');
select is((select status from pgflow.cancel_run('22222222-2222-2222-2222-222222222222', 'enough')), 'cancelled', 'cancel_run');
select is((select status from pgflow.cancel_run('22222222-2222-2222-2222-222222222222')), 'cancelled', 'cancel_run again');
-- (read first: Citus would send a test beside the run's row to the run's node)
select status as other_status from pgflow.runs where run_id = '33333333-3333-3333-3333-333333333333' \gset
select is(:'other_status'::text, 'started', 'the other run is untouched');
select is((select count(*)::integer from pgflow.check_invariants('22222222-2222-2222-2222-222222222222')), 0,
  'check_invariants of the run is empty');

select * from finish();
rollback;
