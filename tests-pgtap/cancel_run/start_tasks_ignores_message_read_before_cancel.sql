begin;
select plan(5);

select pgflow.create_flow('cr_read');
select pgflow.add_step('cr_read', 'a');
select pgflow.add_step('cr_read', 'b');
select run_id as rid from pgflow.start_flow('cr_read', '{}') \gset
-- a worker has read the messages, then the run is cancelled before it starts them
create temp table cr_read_ids as select array_agg(m.msg_id) as ids from pgmq.read('cr_read', 30, 10) as m;
select pgflow.cancel_run(:'rid');
-- and a message of a cancelled task that cancel_run did not archive (as if it had come back)
select pgmq.send('cr_read', '{}'::jsonb) as stray \gset
update pgflow.step_tasks set message_id = :stray where run_id = :'rid' and step_slug = 'b';

select is(cardinality((select ids from cr_read_ids)), 2, 'the worker read both messages');
select is_empty(format($$ select * from pgflow.start_tasks('cr_read', (select ids[1:1] || %s::bigint from cr_read_ids), %L) $$,
                       :stray, pgflow_tests.worker_for('cr_read')),
  'start_tasks returns nothing for tasks of a cancelled run');
select results_eq(format($$ select status, attempts_count from pgflow.step_tasks where run_id = %L order by step_slug $$, :'rid'),
  $$ values ('cancelled'::text, 0), ('cancelled', 0) $$, 'no task was started');
select is(pgflow_tests.queue_message_ids('cr_read'), '{}'::bigint[], 'the messages of cancelled tasks are archived');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
