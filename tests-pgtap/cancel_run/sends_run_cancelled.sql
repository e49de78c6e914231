begin;
select plan(3);

create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('cr_event');
select pgflow.add_step('cr_event', 'a');
select run_id as rid from pgflow.start_flow('cr_event', '{}') \gset
select pgflow.cancel_run(:'rid', 'user asked');

select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:a:started'), ('run:cancelled') $$, 'cancel_run sends run:cancelled');
select is((select payload from realtime.sent where event = 'run:cancelled'),
  jsonb_build_object('event_type', 'run:cancelled', 'run_id', :'rid', 'flow_slug', 'cr_event',
                     'status', 'cancelled', 'cancelled_at', now(), 'cancel_reason', 'user asked'),
  'with status, cancelled_at and cancel_reason');
select is((select topic from realtime.sent where event = 'run:cancelled'), 'pgflow:run:' || :'rid', 'on the run''s topic');

select * from finish();
rollback;
