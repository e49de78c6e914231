-- pgflow.wake = off (for a transaction, session, role or database) makes the
-- engine queue tasks without notifying pgflow_tasks: the TypeScript worker
-- sets it for its own complete_tasks, and reads the queue itself afterwards.
-- A value other than on/off raises 22023 and changes nothing. Committed
-- through a second connection (dblink), heard by a third; cleans up.
begin;
select plan(5);

select pgflow.create_flow('wk_setting_bad', 3, 0, 60);
select pgflow.add_step('wk_setting_bad', 'a');
set local pgflow.wake = 'sometimes';
select throws_ok($$ select pgflow.start_flow('wk_setting_bad', '{}') $$,
  '22023', 'invalid value for pgflow.wake: "sometimes"', 'a bad pgflow.wake raises');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'wk_setting_bad' $$, 'and starts nothing');
set local pgflow.wake = '';

select dblink_connect('wk_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('wk_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
\set cleanup 'do $do$ begin if exists (select from pgflow.flows where flow_slug = ''wk_setting'') then delete from pgflow.step_tasks where flow_slug = ''wk_setting''; delete from pgflow.step_states where flow_slug = ''wk_setting''; delete from pgflow.runs where flow_slug = ''wk_setting''; delete from pgflow.steps where flow_slug = ''wk_setting''; delete from pgflow.flows where flow_slug = ''wk_setting''; perform pgmq.drop_queue(''wk_setting''); end if; end $do$'
select dblink_exec('wk_work', :'cleanup');
select dblink_exec('wk_work', $$ do $do$ begin
  perform pgflow.create_flow('wk_setting', 3, 0, 60);
  perform pgflow.add_step('wk_setting', 'a');
end $do$ $$);
select dblink_exec('wk_listen', 'listen pgflow_tasks');
select count(*) >= 0 as drained from dblink_get_notify('wk_listen');

-- off for one transaction
select dblink_exec('wk_work', $$ do $do$ begin
  perform set_config('pgflow.wake', 'off', true);
  perform pgflow.start_flow('wk_setting', '{}');
end $do$ $$);
select pg_sleep(0.1);
select is_empty($$ select 1 from dblink_get_notify('wk_listen') where extra = 'wk_setting' $$,
  'pgflow.wake = off: tasks queued, nobody woken');
select is((select n from dblink('wk_work', 'select count(*)::integer from pgflow.step_tasks where flow_slug = ''wk_setting''') as t(n integer)),
  1, 'the task was queued');

-- the setting was local: the next transaction wakes again
select dblink_exec('wk_work', $$ do $do$ begin perform pgflow.start_flow('wk_setting', '{}'); end $do$ $$);
select pg_sleep(0.1);
select results_eq($$ select notify_name, extra from dblink_get_notify('wk_listen') where extra = 'wk_setting' $$,
  $$ values ('pgflow_tasks'::text, 'wk_setting'::text) $$,
  'on (the default): one notification');

select dblink_exec('wk_work', :'cleanup');
select dblink_disconnect('wk_listen');
select dblink_disconnect('wk_work');

select * from finish();
rollback;
