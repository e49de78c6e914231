-- pg_notify is delivered on commit: a second connection (dblink) defines and
-- runs a flow and commits, a third listens. pgflow.notify = on notifies both
-- channels whether subscribed or not. Cleans up what it committed.
begin;
select plan(7);

select dblink_connect('ev_listen', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
select dblink_connect('ev_work', format('dbname=%s host=127.0.0.1 port=%s user=%s',
  current_database(), current_setting('port'), current_user));
-- what this test commits, removed before (after a crashed run) and after
\set cleanup 'do $do$ begin if exists (select from pgflow.flows where flow_slug = ''Ev_Notify'') then delete from pgflow.step_tasks where flow_slug = ''Ev_Notify''; delete from pgflow.step_states where flow_slug = ''Ev_Notify''; delete from pgflow.runs where flow_slug = ''Ev_Notify''; delete from pgflow.workers where queue_name = ''Ev_Notify''; delete from pgflow.steps where flow_slug = ''Ev_Notify''; delete from pgflow.flows where flow_slug = ''Ev_Notify''; perform pgmq.drop_queue(''Ev_Notify''); end if; end $do$'
select dblink_exec('ev_work', :'cleanup');
select dblink_exec('ev_work', 'set pgflow.notify = on');
select dblink_exec('ev_listen', 'listen pgflow_events');
select dblink_exec('ev_listen', 'listen "Ev_Notify"');

select dblink_exec('ev_work', $$ do $do$ begin
  perform pgflow.create_flow('Ev_Notify', 3, 0, 60);
  perform pgflow.add_step('Ev_Notify', 'big');
  perform pgflow.start_flow('Ev_Notify', '{}');
  perform pgflow.complete_task(t.run_id, t.step_slug, t.task_index,
            jsonb_build_object('blob', repeat('y', 100000)))
     from pgflow.start_tasks('Ev_Notify', array(select msg_id from pgmq.read('Ev_Notify', 30, 10)),
                             pgflow_tests.worker_for('Ev_Notify')) as t;
end $do$ $$);
select pg_sleep(0.2);
create temp table ev_got as select * from dblink_get_notify('ev_listen');

select is((select count(*)::integer from ev_got where notify_name = 'pgflow_events'), 4,
  'pgflow_events gets run:started, step:started, step:completed, run:completed');
select is((select count(*)::integer from ev_got where notify_name = 'Ev_Notify'), 4,
  'so does the flow''s own channel, named exactly after it');
select results_eq($$ select extra::jsonb ->> 'event' from ev_got where notify_name = 'pgflow_events' order by extra::jsonb ->> 'timestamp' $$,
  $$ values ('run:started'::text), ('step:started'), ('step:completed'), ('run:completed') $$, 'in order');
select ok((select bool_and(extra::jsonb ?& array['payload', 'event', 'topic', 'timestamp']) from ev_got),
  'each is {"payload", "event", "topic", "timestamp"}');
select ok((select bool_and(extra::jsonb ->> 'topic' = 'Ev_Notify' and extra::jsonb -> 'payload' ->> 'flow_slug' = 'Ev_Notify') from ev_got),
  'topic and payload name the flow');
select ok((select max(octet_length(extra)) < 1000 from ev_got), 'a 100 kB output never goes into a notification');
select is((select extra::jsonb -> 'payload' ->> 'event_type' from ev_got where extra::jsonb ->> 'event' = 'step:completed' limit 1),
  'step:completed', 'payload.event_type repeats the event');

select dblink_exec('ev_work', :'cleanup');
select dblink_disconnect('ev_listen');
select dblink_disconnect('ev_work');

select * from finish();
rollback;
