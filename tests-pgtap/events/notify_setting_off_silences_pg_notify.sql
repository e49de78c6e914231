-- pgflow.notify = off: a run's state changes send no pg_notify, even to a
-- subscribed channel; auto (the default) notifies it. Committing work goes through dblink; cleans up after itself.
begin;
select plan(3);

\set cleanup 'do $do$ begin if exists (select from pgflow.flows where flow_slug = ''ev_quiet'') then delete from pgflow.step_tasks where flow_slug = ''ev_quiet''; delete from pgflow.step_states where flow_slug = ''ev_quiet''; delete from pgflow.runs where flow_slug = ''ev_quiet''; delete from pgflow.workers where queue_name = ''ev_quiet''; delete from pgflow.steps where flow_slug = ''ev_quiet''; delete from pgflow.flows where flow_slug = ''ev_quiet''; perform pgmq.drop_queue(''ev_quiet''); end if; end $do$'
select dblink_connect('evq_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('evq_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_exec('evq_work', :'cleanup');
select dblink_exec('evq_work', $$ do $do$ begin
  perform pgflow.create_flow('ev_quiet', 3, 0, 60);
  perform pgflow.add_step('ev_quiet', 'a');
end $do$ $$);
select dblink_exec('evq_listen', 'listen ev_quiet');
select dblink_exec('evq_work', $$ do $do$ begin perform pgflow.subscribe('ev_quiet'); end $do$ $$);

select dblink_exec('evq_work', 'set pgflow.notify = off');
select dblink_exec('evq_work', $$ do $do$ begin
  perform pgflow.start_flow('ev_quiet', '{}');
  perform pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{}')
     from pgflow_tests.read_and_start('ev_quiet') as t;
end $do$ $$);
select pg_sleep(0.2);
select is((select count(*)::integer from dblink_get_notify('evq_listen')), 0,
  'with pgflow.notify = off a whole run sends no notification');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'ev_quiet' and status = 'completed'), 1,
  'and the run completed all the same');

select dblink_exec('evq_work', 'reset pgflow.notify');
select dblink_exec('evq_work', $$ do $do$ begin perform pgflow.start_flow('ev_quiet', '{}'); end $do$ $$);
select pg_sleep(0.2);
select cmp_ok((select count(*)::integer from dblink_get_notify('evq_listen')), '>=', 2,
  'by default (the setting reset) a run notifies the subscribed channel again');

select dblink_exec('evq_work', $$ delete from pgflow.subscriptions where channel = 'ev_quiet' $$);
select dblink_exec('evq_work', :'cleanup');
select dblink_disconnect('evq_listen');
select dblink_disconnect('evq_work');

select * from finish();
rollback;
