-- check_invariants() reads each row a bounded number of times: a run with a
-- map of 40000 tasks is checked in well under a second. 0.2.6 counted each
-- step's tasks by reading all the tasks checked, and looked each open task's
-- message up in the whole queue (the planner guessed one row for the scans of
-- its CTEs and chose nested loops): 14 s per check of such a run with 30000
-- tasks, 24 s for 9 runs with 102k tasks. The statement_timeout is not a
-- measurement, only a bound far above the expected time, so that a quadratic
-- plan fails the test rather than slows it down.
begin;
select plan(5);

select pgflow.create_flow('ci_big');
select pgflow.add_step('ci_big', 'm', step_type => 'map');
select pgflow.add_step('ci_big', 'after', array['m']);
select run_id as rid from pgflow.start_flow('ci_big', (select jsonb_agg(i) from generate_series(1, 40000) as i)) \gset
-- some tasks in flight, some done
create temp table started as select * from pgflow_tests.read_and_start('ci_big', 3000);
select count(*) from pgflow.complete_tasks((select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug,
                                                                               'task_index', task_index, 'output', task_index))
                                              from (select * from started order by msg_id limit 1000) as s));

set local statement_timeout = '15s';
select is_empty(format($$ select * from pgflow.check_invariants(%L) $$, :'rid'), 'a consistent run of 40000 tasks: no row');
select is_empty(format($$ select * from pgflow.check_invariants() where run_id = %L $$, :'rid'),
  'the whole database checked: no row for it');

-- break it deep inside: a lost message, a counter off by one, a message of two tasks
select pgmq.delete('ci_big', (select message_id from pgflow.step_tasks where run_id = :'rid' and step_slug = 'm' and task_index = 39999));
update pgflow.step_states set remaining_tasks = remaining_tasks + 1 where run_id = :'rid' and step_slug = 'm';
update pgflow.step_tasks set message_id = (select message_id from pgflow.step_tasks where run_id = :'rid' and step_slug = 'm' and task_index = 20000)
 where run_id = :'rid' and step_slug = 'm' and task_index = 20001;
select set_eq(format($$ select invariant, detail from pgflow.check_invariants(%L) $$, :'rid'),
  format($$ values ('open_task_has_message', 'task m/39999 is queued but its message %s is not in the queue'),
                   ('step_remaining_tasks', 'step m (started) has remaining_tasks 39001 but 39000 tasks are queued or started'),
                   ('message_has_one_task', 'message %s of flow ci_big belongs to 2 tasks') $$,
         (select message_id from pgflow.step_tasks where run_id = :'rid' and step_slug = 'm' and task_index = 39999),
         (select message_id from pgflow.step_tasks where run_id = :'rid' and step_slug = 'm' and task_index = 20000)),
  'each broken invariant is reported once, by the run');
select set_eq(format($$ select invariant from pgflow.check_invariants() where run_id = %L $$, :'rid'),
  array['open_task_has_message', 'step_remaining_tasks', 'message_has_one_task'],
  'and by the whole database');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid'), 40000, 'the run has its 40000 tasks');

select * from finish();
rollback;
