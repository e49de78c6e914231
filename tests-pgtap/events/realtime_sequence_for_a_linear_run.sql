begin;
select plan(4);

-- Supabase's realtime.send, recorded: pgflow calls it when it exists.
create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('ev_linear');
select pgflow.add_step('ev_linear', 'first');
select pgflow.add_step('ev_linear', 'second', array['first']);
select run_id as rid from pgflow.start_flow('ev_linear', '{}') \gset
select run_id as other from pgflow.start_flow('ev_linear', '{}') \gset
select pgflow_tests.drive('ev_linear');

select results_eq(format($$ select event from realtime.sent where topic = 'pgflow:run:%s' order by n $$, :'rid'),
  $$ values ('run:started'::text), ('step:first:started'), ('step:first:completed'), ('step:second:started'),
            ('step:second:completed'), ('run:completed') $$,
  'run:started, each step started then completed, run:completed');
select is((select count(*)::integer from realtime.sent where topic = 'pgflow:run:' || :'other'), 6,
  'the other run''s events go to its own topic');
select ok((select bool_and(payload ->> 'run_id' = substr(topic, length('pgflow:run:') + 1)) from realtime.sent), 'each payload names the topic''s run');
select ok((select bool_and(not private) from realtime.sent), 'sent as public broadcasts');

select * from finish();
rollback;
