begin;
select plan(3);

create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('rr_noop');
select pgflow.add_step('rr_noop', 'a');
select run_id as rid from pgflow.start_flow('rr_noop', '{}') \gset
create temp table rr_before as select * from pgflow.runs where run_id = :'rid';
select count(*) as sent from realtime.sent \gset

select results_eq(format($$ select * from pgflow.resume_run(%L) $$, :'rid'),
  $$ select * from rr_before $$, 'resuming a started run returns it unchanged');
select is((select count(*) from realtime.sent), :sent::bigint, 'and sends no event');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
