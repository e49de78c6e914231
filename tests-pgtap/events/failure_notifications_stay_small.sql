-- pg_notify is delivered on commit: a second connection (dblink) defines and
-- fails a run and commits, a third listens (pgflow.notify = on: always
-- notify). Cleans up what it committed.
begin;
select plan(6);

select dblink_connect('evf_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('evf_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
\set cleanup 'do $do$ begin if exists (select from pgflow.flows where flow_slug = ''ev_fail_notify'') then delete from pgflow.step_tasks where flow_slug = ''ev_fail_notify''; delete from pgflow.step_states where flow_slug = ''ev_fail_notify''; delete from pgflow.runs where flow_slug = ''ev_fail_notify''; delete from pgflow.workers where queue_name = ''ev_fail_notify''; delete from pgflow.deps where flow_slug = ''ev_fail_notify''; delete from pgflow.steps where flow_slug = ''ev_fail_notify''; delete from pgflow.flows where flow_slug = ''ev_fail_notify''; perform pgmq.drop_queue(''ev_fail_notify''); end if; end $do$'
select dblink_exec('evf_work', :'cleanup');
select dblink_exec('evf_work', 'set pgflow.notify = on');
select dblink_exec('evf_listen', 'listen pgflow_events');
select dblink_exec('evf_listen', 'listen ev_fail_notify');

select dblink_exec('evf_work', $$ do $do$ begin
  perform pgflow.create_flow('ev_fail_notify', 1, 0, 60);
  perform pgflow.add_step('ev_fail_notify', 'big');
  perform pgflow.add_step('ev_fail_notify', 'bad', array['big']);
  perform pgflow.start_flow('ev_fail_notify', jsonb_build_object('blob', repeat('i', 100000)));
  perform pgflow.complete_task(t.run_id, t.step_slug, t.task_index, jsonb_build_object('blob', repeat('o', 100000)))
     from pgflow.start_tasks('ev_fail_notify', array(select msg_id from pgmq.read('ev_fail_notify', 30, 10)),
                             pgflow_tests.worker_for('ev_fail_notify')) as t;
  perform pgflow.fail_task(t.run_id, t.step_slug, t.task_index, repeat('e', 20000))
     from pgflow.start_tasks('ev_fail_notify', array(select msg_id from pgmq.read('ev_fail_notify', 30, 10)),
                             pgflow_tests.worker_for('ev_fail_notify')) as t;
end $do$ $$);
select pg_sleep(0.2);
create temp table evf_got as select * from dblink_get_notify('evf_listen');

select results_eq($$ select extra::jsonb ->> 'event' from evf_got where notify_name = 'pgflow_events' order by extra::jsonb ->> 'timestamp' $$,
  $$ values ('run:started'::text), ('step:started'), ('step:completed'), ('step:started'), ('step:failed'), ('run:failed') $$,
  'pgflow_events gets every event of the run, failures included');
select is((select count(*)::integer from evf_got where notify_name = 'ev_fail_notify'), 6, 'so does the flow''s channel');
select ok((select max(octet_length(extra)) < 8000 from evf_got), 'every notification stays under 8000 bytes despite 100 kB input and output and a 20 kB error');
select is((select length(extra::jsonb -> 'payload' ->> 'error_message') from evf_got
            where notify_name = 'pgflow_events' and extra::jsonb ->> 'event' = 'run:failed'), 1000,
  'the error message is cut to 1000 characters');
select ok((select bool_and(not (extra::jsonb -> 'payload' ? 'output') and not (extra::jsonb -> 'payload' ? 'input')) from evf_got),
  'no notification carries an output or input');
select ok((select bool_and(jsonb_typeof(extra::jsonb -> 'timestamp') = 'number'
                           and extra::jsonb -> 'payload' ->> 'event_type' = extra::jsonb ->> 'event') from evf_got),
  'each has a numeric timestamp and payload.event_type = event');

select dblink_exec('evf_work', :'cleanup');
select dblink_disconnect('evf_listen');
select dblink_disconnect('evf_work');

select * from finish();
rollback;
