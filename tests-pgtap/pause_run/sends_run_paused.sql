begin;
select plan(2);

create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('pr_event');
select pgflow.add_step('pr_event', 'a');
select run_id as rid from pgflow.start_flow('pr_event', '{}') \gset
select pgflow.pause_run(:'rid');

select results_eq($$ select event from realtime.sent order by n $$,
  $$ values ('run:started'::text), ('step:a:started'), ('run:paused') $$, 'pause_run sends run:paused');
select is((select payload from realtime.sent where event = 'run:paused'),
  jsonb_build_object('event_type', 'run:paused', 'run_id', :'rid', 'flow_slug', 'pr_event',
                     'status', 'paused', 'paused_at', now()),
  'with status and paused_at');

select * from finish();
rollback;
