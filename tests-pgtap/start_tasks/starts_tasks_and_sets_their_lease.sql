begin;
select plan(9);

select pgflow.create_flow('st_lease', 3, 0, 20);
select pgflow.add_step('st_lease', 'a');
select pgflow.add_step('st_lease', 'b', timeout => 100);
select run_id as rid from pgflow.start_flow('st_lease', '{"k": "v"}') \gset
select pgflow_tests.worker_for('st_lease') as wid \gset

create temp table st_got as
  select * from pgflow.start_tasks('st_lease', array(select msg_id from pgmq.read('st_lease', 5, 10)), :'wid');
select results_eq($$ select step_slug, input, task_index, attempts_count, timeout from st_got order by step_slug $$,
  $$ values ('a'::text, '{"run": {"k": "v"}}'::jsonb, 0, 1, 20), ('b', '{"run": {"k": "v"}}', 0, 1, 100) $$,
  'each record carries the input, task index, attempt and the step''s timeout');
select ok((select bool_and(flow_slug = 'st_lease' and run_id = :'rid' and msg_id is not null) from st_got),
  'and the flow, run and message');
select results_eq(format($$ select step_slug, status, attempts_count, last_worker_id from pgflow.step_tasks
                             where run_id = %L order by step_slug $$, :'rid'),
  format($$ values ('a'::text, 'started'::text, 1, %L::uuid), ('b', 'started', 1, %L::uuid) $$, :'wid', :'wid'),
  'the tasks are started by this worker');
select ok((select q.vt between clock_timestamp() + interval '21 s' and clock_timestamp() + interval '22.5 s'
             from pgmq.q_st_lease as q join st_got as g on g.msg_id = q.msg_id where g.step_slug = 'a'),
  'a''s message is invisible for the flow timeout + 2 s');
select ok((select q.vt between clock_timestamp() + interval '101 s' and clock_timestamp() + interval '102.5 s'
             from pgmq.q_st_lease as q join st_got as g on g.msg_id = q.msg_id where g.step_slug = 'b'),
  'b''s for its own timeout + 2 s');
select is_empty(format($$ select * from pgflow.start_tasks('st_lease', array[%s, %s]::bigint[], %L) $$,
                       (select min(msg_id) from st_got), (select max(msg_id) from st_got), :'wid'),
  'starting the same messages again yields nothing');
select is((select max(attempts_count) from pgflow.step_tasks where run_id = :'rid'), 1, 'and counts no attempt');
select is_empty(format($$ select * from pgflow.start_tasks('st_lease', '{}', %L) $$, :'wid'), 'no message ids, no task');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
