begin;
select plan(4);

create schema realtime;
set local pgflow.realtime = on;   -- delivery to realtime.send is opt-in
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('cr_again');
select pgflow.add_step('cr_again', 'a');
select run_id as rid from pgflow.start_flow('cr_again', '{}') \gset
select pgflow.cancel_run(:'rid', 'first');
create temp table cr_first as select * from pgflow.runs where run_id = :'rid';
select count(*) as sent from realtime.sent \gset

select results_eq(format($$ select * from pgflow.cancel_run(%L, 'second') $$, :'rid'),
  $$ select * from cr_first $$, 'cancelling a cancelled run returns it unchanged');
select results_eq(format($$ select * from pgflow.runs where run_id = %L $$, :'rid'),
  $$ select * from cr_first $$, 'the first reason and time stay');
select is((select count(*) from realtime.sent), :sent::bigint, 'and no event is sent');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
