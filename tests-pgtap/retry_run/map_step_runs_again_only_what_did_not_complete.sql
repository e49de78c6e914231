begin;
select plan(9);

-- A map step fails on one of its tasks while a parallel branch is at work.
-- retry_run runs again only what did not complete: the failed map task, the
-- map task that was queued when the run failed and the interrupted task of
-- the other branch (their messages were archived with the failure); the
-- completed map task keeps its output. Each gets a new message and fresh
-- attempts.
select pgflow.create_flow('rr_map', max_attempts => 3, base_delay => 0);
select pgflow.add_step('rr_map', 'items');
select pgflow.add_step('rr_map', 'each', array['items'], step_type => 'map');
select pgflow.add_step('rr_map', 'other');
select pgflow.add_step('rr_map', 'join', array['each', 'other']);
select run_id as rid from pgflow.start_flow('rr_map', '{}') \gset
select pgflow_tests.run_task(:'rid', 'items', '[10, 20, 30]');
-- each/0 completes, each/1 fails for good, each/2 stays queued; other is started
select pgflow_tests.run_task(:'rid', 'each', '100', 0);
select pgflow_tests.run_task(:'rid', 'other', '"o"') where false;
select count(*) from pgflow.start_tasks('rr_map',
  array(select message_id from pgflow.step_tasks where run_id = :'rid' and ((step_slug = 'each' and task_index = 1) or step_slug = 'other')),
  pgflow_tests.worker_for('rr_map'));
select pgflow.fail_task(:'rid', 'each', 1, 'bad element', false);
select is((select status from pgflow.runs where run_id = :'rid'), 'failed', 'the run failed');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold for the failed run');

select is((select status from pgflow.retry_run(:'rid')), 'started', 'retried');
select results_eq(format($$ select step_slug, task_index, status, attempts_count from pgflow.step_tasks
                            where run_id = %L order by step_slug, task_index $$, :'rid'),
  $$ values ('each'::text, 0, 'completed'::text, 1), ('each', 1, 'queued', 0), ('each', 2, 'queued', 0),
            ('items', 0, 'completed', 1), ('other', 0, 'queued', 0) $$,
  'what did not complete is queued with fresh attempts; completed tasks are kept');
select results_eq(format($$ select step_slug, status, remaining_tasks from pgflow.step_states where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('each'::text, 'started'::text, 2), ('items', 'completed', 0), ('join', 'created', null), ('other', 'started', 1) $$,
  'the map step is started with two tasks to go, the other branch goes on, join waits');
select is((select count(*)::integer from pgmq.q_rr_map as q join pgflow.step_tasks as t on t.message_id = q.msg_id
            where t.run_id = :'rid' and q.vt <= clock_timestamp()), 3, 'the three have visible messages');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the retry');

select pgflow_tests.run_task(:'rid', 'each', '200', 1);
select pgflow_tests.run_task(:'rid', 'each', '300', 2);
select pgflow_tests.run_task(:'rid', 'other', '"o"');
select pgflow_tests.run_task(:'rid', 'join', '"j"');
select results_eq(format($$ select r.status, ss.output from pgflow.runs as r
                            join pgflow.step_states as ss on ss.run_id = r.run_id and ss.step_slug = 'each'
                           where r.run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '[100, 200, 300]'::jsonb) $$, 'the run completes, the map''s output in order');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
