-- A retry whose message is visible again at once (retry_after 0, or a
-- base_delay of 0) wakes the flow's workers (pgflow_tasks, payload the flow
-- slug) when it commits; a delayed retry does not (the workers' poll finds
-- it). Committed through a second connection (dblink), heard by a third.
-- Cleans up what it committed.
begin;
select plan(4);

select dblink_connect('ftw_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('ftw_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
\set cleanup 'do $do$ begin if exists (select from pgflow.flows where flow_slug = ''ft_wake'') then delete from pgflow.step_tasks where flow_slug = ''ft_wake''; delete from pgflow.step_states where flow_slug = ''ft_wake''; delete from pgflow.runs where flow_slug = ''ft_wake''; delete from pgflow.workers where queue_name = ''ft_wake''; delete from pgflow.steps where flow_slug = ''ft_wake''; delete from pgflow.flows where flow_slug = ''ft_wake''; perform pgmq.drop_queue(''ft_wake''); end if; end $do$'
select dblink_exec('ftw_work', :'cleanup');
select dblink_exec('ftw_work', $$ do $do$ begin
  perform pgflow.create_flow('ft_wake', 5, 10, 60);
  perform pgflow.add_step('ft_wake', 'a');
  perform pgflow.start_flow('ft_wake', '{}');
  perform from pgflow_tests.read_and_start('ft_wake');
end $do$ $$);
select dblink_exec('ftw_listen', 'listen pgflow_tasks');
select count(*) >= 0 as drained from dblink_get_notify('ftw_listen');

-- delayed by the backoff: no wake-up
select dblink_exec('ftw_work', $$ do $do$ begin
  perform pgflow.fail_task(t.run_id, 'a', 0, 'e1') from pgflow.step_tasks as t where t.flow_slug = 'ft_wake';
end $do$ $$);
select pg_sleep(0.1);
select is_empty($$ select from dblink_get_notify('ftw_listen') where extra = 'ft_wake' $$,
  'a delayed retry wakes no worker');

-- retry_after 0: visible at once, workers woken
select dblink_exec('ftw_work', $$ do $do$ begin
  perform pgflow_tests.make_visible('ft_wake');
  perform from pgflow_tests.read_and_start('ft_wake');
  perform pgflow.fail_task(t.run_id, 'a', 0, 'e2', retry_after => 0) from pgflow.step_tasks as t where t.flow_slug = 'ft_wake';
end $do$ $$);
select pg_sleep(0.1);
select results_eq($$ select notify_name, extra from dblink_get_notify('ftw_listen') where extra = 'ft_wake' $$,
  $$ values ('pgflow_tasks'::text, 'ft_wake'::text) $$,
  'a retry visible at once wakes the flow''s workers');
-- read through the second connection: a lock held here on the queue would block its cleanup
select is((select s from dblink('ftw_work', $$ select status from pgflow.step_tasks where flow_slug = 'ft_wake' $$) as d(s text)),
  'queued', 'the task is queued again');
select is((select n from dblink('ftw_work', $$ select count(*)::integer from pgmq.q_ft_wake where vt <= clock_timestamp() $$)
                          as d(n integer)), 1, 'its message is visible');

select dblink_exec('ftw_work', :'cleanup');
select dblink_disconnect('ftw_listen');
select dblink_disconnect('ftw_work');

select * from finish();
rollback;
