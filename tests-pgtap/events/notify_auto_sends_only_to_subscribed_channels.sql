-- pgflow.notify = auto (the default): pg_notify goes only to channels with a
-- live subscription (pgflow.subscribe), so nobody pays for events nobody
-- listens to. A second connection (dblink) works and commits, a third
-- listens. Cleans up what it committed.
begin;
select plan(8);

\set cleanup 'do $do$ begin delete from pgflow.subscriptions where channel in (''pgflow_events'', ''ev_auto''); if exists (select from pgflow.flows where flow_slug = ''ev_auto'') then delete from pgflow.step_tasks where flow_slug = ''ev_auto''; delete from pgflow.step_states where flow_slug = ''ev_auto''; delete from pgflow.runs where flow_slug = ''ev_auto''; delete from pgflow.workers where queue_name = ''ev_auto''; delete from pgflow.steps where flow_slug = ''ev_auto''; delete from pgflow.flows where flow_slug = ''ev_auto''; perform pgmq.drop_queue(''ev_auto''); end if; end $do$'
select dblink_connect('eva_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('eva_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_exec('eva_work', :'cleanup');
select dblink_exec('eva_work', 'reset pgflow.notify');
select dblink_exec('eva_work', $$ do $do$ begin
  perform pgflow.create_flow('ev_auto', 3, 0, 60);
  perform pgflow.add_step('ev_auto', 'a');
end $do$ $$);
select dblink_exec('eva_listen', 'listen pgflow_events');
select dblink_exec('eva_listen', 'listen ev_auto');

\set one_run 'do $do$ begin perform pgflow.start_flow(''ev_auto'', ''{}''); perform pgflow.complete_task(t.run_id, t.step_slug, t.task_index, ''{}'') from pgflow_tests.read_and_start(''ev_auto'') as t; end $do$'

select dblink_exec('eva_work', :'one_run');
select pg_sleep(0.2);
select is((select count(*)::integer from dblink_get_notify('eva_listen')), 0,
  'without a subscription a whole run sends no notification');

select dblink_exec('eva_work', $$ do $do$ begin perform pgflow.subscribe('ev_auto'); end $do$ $$);
select dblink_exec('eva_work', :'one_run');
select pg_sleep(0.2);
create temp table eva_flow as select * from dblink_get_notify('eva_listen');
select is((select count(*)::integer from eva_flow where notify_name = 'ev_auto'), 4,
  'subscribed to the flow: its channel gets run:started, step:started, step:completed, run:completed');
select is((select count(*)::integer from eva_flow where notify_name = 'pgflow_events'), 0,
  'and the unsubscribed pgflow_events channel gets nothing');

select dblink_exec('eva_work', $$ do $do$ begin perform pgflow.subscribe('pgflow_events'); end $do$ $$);
select dblink_exec('eva_work', :'one_run');
select pg_sleep(0.2);
create temp table eva_both as select * from dblink_get_notify('eva_listen');
select is((select count(*)::integer from eva_both where notify_name = 'pgflow_events'), 4,
  'subscribed to pgflow_events too: it gets the four events');
select is((select count(*)::integer from eva_both where notify_name = 'ev_auto'), 4,
  'and so does the flow channel');
select is((select array_agg(extra::jsonb ->> 'event' order by (extra::jsonb ->> 'timestamp')::numeric)
             from eva_both where notify_name = 'ev_auto'),
  array['run:started', 'step:started', 'step:completed', 'run:completed'],
  'in the order they happened');

-- An expired subscription is as good as none.
select dblink_exec('eva_work', $$ update pgflow.subscriptions set expires_at = clock_timestamp() - interval '1 second'
                                   where channel in ('pgflow_events', 'ev_auto') $$);
select dblink_exec('eva_work', :'one_run');
select pg_sleep(0.2);
select is((select count(*)::integer from dblink_get_notify('eva_listen')), 0,
  'once the subscriptions expired, a run sends no notification');

select is((select count(*)::integer from pgflow.runs where flow_slug = 'ev_auto' and status = 'completed'), 4,
  'every run completed, notified or not');

select dblink_exec('eva_work', :'cleanup');
select dblink_disconnect('eva_listen');
select dblink_disconnect('eva_work');

select * from finish();
rollback;
