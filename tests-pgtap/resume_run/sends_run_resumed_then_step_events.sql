begin;
select plan(2);

create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('rr_event');
select pgflow.add_step('rr_event', 'a');
select pgflow.add_step('rr_event', 'b', array['a']);
select run_id as rid from pgflow.start_flow('rr_event', '{}') \gset
select pgflow_tests.read_and_start('rr_event');
select pgflow.pause_run(:'rid');
select pgflow.complete_task(:'rid', 'a', 0, '{}');
select pgflow.resume_run(:'rid');

select results_eq($$ select payload ->> 'event_type' from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:started'), ('run:paused'), ('step:completed'),
            ('run:resumed'), ('step:started') $$,
  'pause, completion while paused, then run:resumed and the started step');
select is((select payload from realtime.sent where payload ->> 'event_type' = 'run:resumed'),
  jsonb_build_object('event_type', 'run:resumed', 'run_id', :'rid', 'flow_slug', 'rr_event',
                     'status', 'started', 'resumed_at', now()),
  'run:resumed carries the status started and resumed_at');

select * from finish();
rollback;
