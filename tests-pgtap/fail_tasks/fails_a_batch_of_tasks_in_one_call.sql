begin;
select plan(7);

-- _fail_tasks is the one way started tasks fail (fail_task, start_tasks,
-- requeue_stalled_tasks): a batch over several runs, some tasks retried, some
-- failed for good, in one call.
select pgflow.create_flow('ftb', max_attempts => 2, base_delay => 5);
select pgflow.add_step('ftb', 'a');
select run_id as r1 from pgflow.start_flow('ftb', '{}') \gset
select run_id as r2 from pgflow.start_flow('ftb', '{}') \gset
select count(*) from pgflow_tests.read_and_start('ftb');
-- r2's task is on its last attempt
update pgflow.step_tasks set attempts_count = 2 where run_id = :'r2';

select results_eq(
  format($$ select run_id, status from pgflow._fail_tasks(array[%L, %L, %L]::uuid[], array['a', 'a', 'nope'],
                                                          array[0, 0, 0], array['e1', 'e2', 'e3'])
             order by run_id = %L desc $$, :'r1', :'r2', :'r1', :'r1'),
  format($$ values (%L::uuid, 'queued'::text), (%L::uuid, 'failed') $$, :'r1', :'r2'),
  'the tasks it changed: one queued again, one failed (an unknown step changes nothing)');
select is((select error_message from pgflow.step_tasks where run_id = :'r1'), 'e1', 'each keeps its own error');
select ok((select vt > clock_timestamp() + interval '4 seconds' from pgmq.q_ftb
            where msg_id = (select message_id from pgflow.step_tasks where run_id = :'r1')),
  'the retry''s message comes back after base_delay');
select is_empty(format($$ select from pgmq.q_ftb where msg_id = (select message_id from pgflow.step_tasks where run_id = %L) $$, :'r2'),
  'the failed task''s message is archived');
select is((select status from pgflow.step_states where run_id = :'r2' and step_slug = 'a'), 'failed', 'its step failed');
select is((select status from pgflow.runs where run_id = :'r2'), 'failed', 'and its run');
select is_empty(format($$ select * from pgflow.check_invariants(%L) union all select * from pgflow.check_invariants(%L) $$,
                       :'r1', :'r2'), 'invariants hold for both runs');

select * from finish();
rollback;
