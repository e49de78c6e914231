-- Workers LISTEN on pgflow_tasks: the transaction that queues visible tasks
-- notifies it once per flow (payload: the flow slug), however many steps and
-- runs it queued; a step with a start delay sends nothing (its message is not
-- visible yet: the workers' fallback poll finds it). pg_notify is delivered on
-- commit: a second connection (dblink) works and commits, a third listens.
-- Cleans up what it committed.
begin;
select plan(7);

select dblink_connect('wk_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('wk_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
\set cleanup 'do $do$ declare f text; begin foreach f in array array[''wk_now'', ''wk_later''] loop if exists (select from pgflow.flows where flow_slug = f) then delete from pgflow.step_tasks where flow_slug = f; delete from pgflow.step_states where flow_slug = f; delete from pgflow.runs where flow_slug = f; delete from pgflow.workers where queue_name = f; delete from pgflow.deps where flow_slug = f; delete from pgflow.steps where flow_slug = f; delete from pgflow.flows where flow_slug = f; perform pgmq.drop_queue(f); end if; end loop; end $do$'
select dblink_exec('wk_work', :'cleanup');
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.create_flow('wk_now', 3, 0, 60);
  perform pgflow.add_step('wk_now', 'a');
  perform pgflow.add_step('wk_now', 'b');
  perform pgflow.add_step('wk_now', 'c', array['a']);
  perform pgflow.create_flow('wk_later', 3, 0, 60);
  perform pgflow.add_step('wk_later', 'x', start_delay => 60);
end $do$ $$);
select dblink_exec('wk_listen', 'listen pgflow_tasks');
select count(*) >= 0 as drained from dblink_get_notify('wk_listen');  -- drop anything stray

-- Three runs, two root steps each, in one transaction.
select dblink_exec('wk_work', $$ do $do$ begin perform pgflow.start_flows('wk_now', '[{}, {}, {}]'); end $do$ $$);
select pg_sleep(0.1);
select results_eq($$ select notify_name, extra from dblink_get_notify('wk_listen') $$,
  $$ values ('pgflow_tasks'::text, 'wk_now'::text) $$,
  'start_flows of three runs with two root steps each: one notification, the flow slug');

-- Completed tasks make their dependents ready: that transaction notifies too.
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{}')
     from pgflow_tests.read_and_start('wk_now') as t;
end $do$ $$);
select pg_sleep(0.1);
select results_eq($$ select notify_name, extra from dblink_get_notify('wk_listen') $$,
  $$ values ('pgflow_tasks'::text, 'wk_now'::text) $$,
  'completing steps a and b queues c in three runs: one notification');

-- Completing c queues nothing (the runs complete): no wake-up.
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{}')
     from pgflow_tests.read_and_start('wk_now') as t;
end $do$ $$);
select pg_sleep(0.1);
select is_empty($$ select 1 from dblink_get_notify('wk_listen') where notify_name = 'pgflow_tasks' $$,
  'a transaction that queues nothing sends nothing');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'wk_now' and status = 'completed'), 3,
  'the runs completed');

-- A delayed step: no notification; its message is there, hidden.
select dblink_exec('wk_work', $$ do $do$ begin perform pgflow.start_flow('wk_later', '{}'); end $do$ $$);
select pg_sleep(0.1);
select is_empty($$ select 1 from dblink_get_notify('wk_listen') where notify_name = 'pgflow_tasks' $$,
  'a step queued with a start delay wakes nobody');
-- through the other connection: a lock on the queue here would hold up its drop at the end
select is((select n from dblink('wk_work', 'select count(*)::integer from pgmq.q_wk_later where vt > clock_timestamp()') as t(n integer)), 1,
  'its message waits, invisible');

-- Two flows in one transaction: one notification each.
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.start_flow('wk_now', '{}');
  perform pgflow._wake_workers('wk_later');
  perform pgflow.start_flow('wk_now', '{}');
end $do$ $$);
select pg_sleep(0.1);
select results_eq($$ select extra from dblink_get_notify('wk_listen') where notify_name = 'pgflow_tasks' order by extra $$,
  $$ values ('wk_later'::text), ('wk_now') $$,
  'one notification per flow per transaction');

select dblink_exec('wk_work', :'cleanup');
select dblink_disconnect('wk_listen');
select dblink_disconnect('wk_work');

select * from finish();
rollback;
