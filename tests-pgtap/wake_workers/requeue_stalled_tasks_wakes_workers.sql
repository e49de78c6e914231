-- requeue_stalled_tasks makes the message of a lost worker's task visible
-- again: it wakes the flow's workers (pgflow_tasks, payload the flow slug),
-- so that another worker takes the task over at once. Committed through a
-- second connection (dblink), heard by a third. Cleans up what it committed.
begin;
select plan(3);

select dblink_connect('wk_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('wk_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
\set cleanup 'do $do$ begin if exists (select from pgflow.flows where flow_slug = ''wk_requeue'') then delete from pgflow.step_tasks where flow_slug = ''wk_requeue''; delete from pgflow.step_states where flow_slug = ''wk_requeue''; delete from pgflow.runs where flow_slug = ''wk_requeue''; delete from pgflow.workers where queue_name = ''wk_requeue''; delete from pgflow.steps where flow_slug = ''wk_requeue''; delete from pgflow.flows where flow_slug = ''wk_requeue''; perform pgmq.drop_queue(''wk_requeue''); end if; end $do$'
select dblink_exec('wk_work', :'cleanup');
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.create_flow('wk_requeue', 3, 0, 60);
  perform pgflow.add_step('wk_requeue', 'a');
  perform pgflow.start_flow('wk_requeue', '{}');
  perform from pgflow_tests.read_and_start('wk_requeue');
  perform pgflow.stop_worker(pgflow_tests.worker_for('wk_requeue'));
  perform pgflow_tests.expire_lease(t.run_id, 'a') from pgflow.step_tasks as t where t.flow_slug = 'wk_requeue';
  -- hidden again: only requeue_stalled_tasks can make it visible
  perform pgmq.set_vt('wk_requeue', t.message_id, 600) from pgflow.step_tasks as t where t.flow_slug = 'wk_requeue';
end $do$ $$);
select dblink_exec('wk_listen', 'listen pgflow_tasks');
select count(*) >= 0 as drained from dblink_get_notify('wk_listen');

select dblink_exec('wk_work', 'do $do$ begin perform pgflow.requeue_stalled_tasks(); end $do$');
select pg_sleep(0.1);
select results_eq($$ select notify_name, extra from dblink_get_notify('wk_listen') where extra = 'wk_requeue' $$,
  $$ values ('pgflow_tasks'::text, 'wk_requeue'::text) $$,
  'requeueing the stalled task wakes the flow''s workers');
select is((select status from pgflow.step_tasks where flow_slug = 'wk_requeue'), 'queued', 'the task is queued again');
-- through the other connection: a lock on the queue here would hold up its drop at the end
select is((select n from dblink('wk_work', 'select count(*)::integer from pgmq.q_wk_requeue where vt <= clock_timestamp()') as t(n integer)), 1,
  'its message is visible');

select dblink_exec('wk_work', :'cleanup');
select dblink_disconnect('wk_listen');
select dblink_disconnect('wk_work');

select * from finish();
rollback;
