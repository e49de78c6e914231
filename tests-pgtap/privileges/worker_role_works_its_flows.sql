begin;
select plan(11);

-- A worker role runs the whole worker protocol on the flows it was granted:
-- register, read the queue, start, complete, fail (with a retry), hide
-- messages, heartbeat, stop.
select pgflow_tests.new_role('worker') as w \gset
select pgflow.create_flow('pv_work', max_attempts => 2, base_delay => 0);
select pgflow.add_step('pv_work', 'a');
select pgflow.add_step('pv_work', 'b', array['a']);
select pgflow.grant_worker(:'w', array['pv_work']);
select run_id as run from pgflow.start_flow('pv_work', '{"n": 1}') \gset

select is(pgflow_tests.as_role(:'w',
            $$ select worker_id from pgflow.register_worker('00000000-0000-4000-8000-0000000f0001', 'pv_work', 'w') $$),
  '00000000-0000-4000-8000-0000000f0001', 'it registers a worker for its flow');
select is(pgflow_tests.as_role(:'w',
            $$ select string_agg(step_slug, ',') from pgflow.start_tasks('pv_work',
                 array(select msg_id from pgmq.read('pv_work', 30, 10)), '00000000-0000-4000-8000-0000000f0001') $$),
  'a', 'it reads the queue and starts the task');
select is(pgflow_tests.as_role(:'w',
            format($$ select status from pgflow.fail_task(%L, 'a', 0, 'try again') $$, :'run')),
  'queued', 'it fails a task (queued for a retry)');
select is(pgflow_tests.as_role(:'w',
            $$ select count(*)::text from pgflow.set_vt_batch('pv_work',
                 array(select msg_id from pgmq.q_pv_work), array[0]) $$),
  '1', 'it makes the message visible with set_vt_batch');
select is(pgflow_tests.as_role(:'w',
            $$ select string_agg(step_slug, ',') from pgflow.start_tasks('pv_work',
                 array(select msg_id from pgmq.read_with_poll('pv_work', 30, 10, 1)), '00000000-0000-4000-8000-0000000f0001') $$),
  'a', 'it reads with poll and starts the retry');
select is(pgflow_tests.as_role(:'w',
            format($$ select status from pgflow.complete_task(%L, 'a', 0, '{"ok": 1}') $$, :'run')),
  'completed', 'it completes the task');
select is(pgflow_tests.as_role(:'w',
            $$ select count(*)::text from pgflow.heartbeat_worker('00000000-0000-4000-8000-0000000f0001') $$),
  '1', 'it sends heartbeats');
select is(pgflow_tests.as_role(:'w',
            $$ select string_agg(step_slug, ',') from pgflow.start_tasks('pv_work',
                 array(select msg_id from pgmq.read('pv_work', 30, 10)), '00000000-0000-4000-8000-0000000f0001') $$)
          || ' ' || pgflow_tests.as_role(:'w',
            format($$ select status from pgflow.complete_task(%L, 'b', 0, '{}') $$, :'run')),
  'b completed', 'it runs the rest of the flow');
select is(pgflow_tests.as_role(:'w',
            $$ select stopped_at is not null from pgflow.stop_worker('00000000-0000-4000-8000-0000000f0001') $$),
  'true', 'it stops its worker');
select is((select status from pgflow.runs where run_id = :'run'), 'completed', 'the run completed');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'run'), 'invariants hold');

select * from finish();
rollback;
