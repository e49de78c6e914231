begin;
select plan(7);

select pgflow.create_flow('sf_roots');
select pgflow.add_step('sf_roots', 'r1');
select pgflow.add_step('sf_roots', 'r2');
select pgflow.add_step('sf_roots', 'dep', array['r1', 'r2']);
select run_id as rid from pgflow.start_flow('sf_roots', '{"n": 1}') \gset

select results_eq(format($$ select step_slug, status, remaining_tasks, initial_tasks from pgflow.step_states
                             where run_id = %L and step_slug like 'r%%' order by step_slug $$, :'rid'),
  $$ values ('r1'::text, 'started'::text, 1, 1), ('r2', 'started', 1, 1) $$,
  'root steps are started with one remaining task');
select ok((select bool_and(started_at = now()) from pgflow.step_states where run_id = :'rid' and step_slug like 'r%'),
  'and a started_at');
select results_eq(format($$ select step_slug, task_index, status, attempts_count from pgflow.step_tasks
                             where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('r1'::text, 0, 'queued'::text, 0), ('r2', 0, 'queued', 0) $$,
  'one queued task per root step, no attempt yet');
select results_eq(format($$ select t.step_slug, q.message from pgflow.step_tasks as t
                             join pgmq.q_sf_roots as q on q.msg_id = t.message_id
                            where t.run_id = %L order by t.step_slug $$, :'rid'),
  format($$ values ('r1'::text, jsonb_build_object('flow_slug', 'sf_roots', 'run_id', %L::uuid, 'step_slug', 'r1', 'task_index', 0)),
                   ('r2', jsonb_build_object('flow_slug', 'sf_roots', 'run_id', %L::uuid, 'step_slug', 'r2', 'task_index', 0)) $$,
         :'rid', :'rid'),
  'each task has its message in pgmq.q_<flow>: {flow_slug, run_id, step_slug, task_index}');
select ok((select bool_and(q.vt <= clock_timestamp()) from pgmq.q_sf_roots as q
             join pgflow.step_tasks as t on t.message_id = q.msg_id where t.run_id = :'rid'),
  'the messages are visible at once');
select is((select count(*)::integer from pgmq.q_sf_roots as q
            where q.message ->> 'run_id' = :'rid'), 2, 'exactly two messages for the run');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_flow');

select * from finish();
rollback;
