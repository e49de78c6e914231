begin;
select plan(8);

-- A batch sent with pgflow.wake on is announced (pgmq header
-- {"announced": true}); a transaction notifies only when no announced
-- message is visible in the queue yet: a busy queue is told once. Messages
-- queued with pgflow.wake off or with a start delay are not announced, and
-- do not keep the next transaction from notifying.
select dblink_connect('wk_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('wk_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
\set cleanup 'do $do$ declare f text; begin foreach f in array array[''wk_busy'', ''wk_busy_later''] loop if exists (select from pgflow.flows where flow_slug = f) then delete from pgflow.step_tasks where flow_slug = f; delete from pgflow.step_states where flow_slug = f; delete from pgflow.runs where flow_slug = f; delete from pgflow.workers where queue_name = f; delete from pgflow.deps where flow_slug = f; delete from pgflow.steps where flow_slug = f; delete from pgflow.flows where flow_slug = f; perform pgmq.drop_queue(f); end if; end loop; end $do$'
select dblink_exec('wk_work', :'cleanup');
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.create_flow('wk_busy', 3, 0, 60);
  perform pgflow.add_step('wk_busy', 'a');
  perform pgflow.add_step('wk_busy', 'b', array['a']);
  perform pgflow.create_flow('wk_busy_later', 3, 0, 60);
  perform pgflow.add_step('wk_busy_later', 'x', start_delay => 60);
end $do$ $$);
select dblink_exec('wk_listen', 'listen pgflow_tasks');
select count(*) >= 0 as drained from dblink_get_notify('wk_listen');

select dblink_exec('wk_work', $$ do $do$ begin perform pgflow.start_flow('wk_busy', '{}'); end $do$ $$);
select pg_sleep(0.1);
select results_eq($$ select notify_name, extra from dblink_get_notify('wk_listen') $$,
  $$ values ('pgflow_tasks'::text, 'wk_busy'::text) $$,
  'an idle queue: the start notifies');

select dblink_exec('wk_work', $$ do $do$ begin perform pgflow.start_flow('wk_busy', '{}'); end $do$ $$);
select pg_sleep(0.1);
select is_empty($$ select 1 from dblink_get_notify('wk_listen') where extra = 'wk_busy' $$,
  'its message still unread: the next start does not notify again');
select is((select n from dblink('wk_work', $q$ select count(*)::integer from pgmq.q_wk_busy
                                               where headers @> '{"announced": true}' $q$) as t(n integer)),
  2, 'both messages are announced');

-- the worker reads both and completes them: the queue is idle again when b is queued
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{}')
     from pgflow_tests.read_and_start('wk_busy') as t;
end $do$ $$);
select pg_sleep(0.1);
select results_eq($$ select notify_name, extra from dblink_get_notify('wk_listen') $$,
  $$ values ('pgflow_tasks'::text, 'wk_busy'::text) $$,
  'the queue read empty: completing a in both runs queues b and notifies once');

-- drained again, then a message nobody was told of
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{}')
     from pgflow_tests.read_and_start('wk_busy') as t;
  perform set_config('pgflow.wake', 'off', true);
  perform pgflow.start_flow('wk_busy', '{}');
end $do$ $$);
select pg_sleep(0.1);
select is_empty($$ select 1 from dblink_get_notify('wk_listen') where extra = 'wk_busy' $$,
  'pgflow.wake = off: nobody told');
select dblink_exec('wk_work', $$ do $do$ begin perform pgflow.start_flow('wk_busy', '{}'); end $do$ $$);
select pg_sleep(0.1);
select results_eq($$ select notify_name, extra from dblink_get_notify('wk_listen') $$,
  $$ values ('pgflow_tasks'::text, 'wk_busy'::text) $$,
  'a visible message queued with pgflow.wake off does not count: the next start notifies');

select dblink_exec('wk_work', $$ do $do$ begin perform pgflow.start_flow('wk_busy_later', '{}'); end $do$ $$);
select is((select n from dblink('wk_work', $q$ select count(*)::integer from pgmq.q_wk_busy_later
                                               where headers is null $q$) as t(n integer)),
  1, 'a message sent with a start delay is not announced');

select is((select n from dblink('wk_work', $q$ select count(*)::integer from pgflow.check_invariants() $q$) as t(n integer)),
  0, 'invariants hold');

select dblink_exec('wk_work', :'cleanup');
select dblink_disconnect('wk_listen');
select dblink_disconnect('wk_work');

select * from finish();
rollback;
