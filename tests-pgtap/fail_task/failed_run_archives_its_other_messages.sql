begin;
select plan(5);

select pgflow.create_flow('ft_archive_all', max_attempts => 1);
select pgflow.add_step('ft_archive_all', 'bad');
select pgflow.add_step('ft_archive_all', 'running');
select pgflow.add_step('ft_archive_all', 'waiting');
select pgflow.add_step('ft_archive_all', 'm', step_type => 'map');
select run_id as rid from pgflow.start_flow('ft_archive_all', '[1, 2, 3]') \gset
-- a second run of the flow, untouched
select run_id as other from pgflow.start_flow('ft_archive_all', '[1]') \gset
select pgflow_tests.worker_for('ft_archive_all') as wid \gset
select pgflow.start_tasks('ft_archive_all', array_agg(message_id), :'wid')
  from pgflow.step_tasks where run_id = :'rid' and step_slug in ('bad', 'running');
select array_agg(message_id order by message_id)::text as ids from pgflow.step_tasks where run_id = :'rid' \gset

select pgflow.fail_task(:'rid', 'bad', 0, 'fatal');
select is_empty(format($$ select * from pgmq.q_ft_archive_all where msg_id = any(%L::bigint[]) $$, :'ids'),
  'every message of the run, queued or started, is gone from the queue');
select is((select count(*)::integer from pgmq.a_ft_archive_all where msg_id = any(:'ids'::bigint[])), 6,
  'all six are in the archive');
select is((select count(*)::integer from pgmq.q_ft_archive_all where message ->> 'run_id' = :'other'), 4,
  'the other run keeps its messages');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold for the failed run');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'other'), 'and for the other run');

select * from finish();
rollback;
