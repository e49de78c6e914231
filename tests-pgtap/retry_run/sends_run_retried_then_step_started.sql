begin;
select plan(3);

-- retry_run sends run:retried (status started), then step:started for each
-- step it started again. (Realtime names events by status: run:retried
-- reaches Realtime as run:started, its payload's event_type says retried.)
create schema realtime;
set local pgflow.realtime = on;
create table realtime.sent (n serial, payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean)
returns void language sql as $$ insert into realtime.sent (payload, event, topic, private) values ($1, $2, $3, $4) $$;

select pgflow.create_flow('rr_ev', max_attempts => 1);
select pgflow.add_step('rr_ev', 'a');
select pgflow.add_step('rr_ev', 'b', array['a']);
select run_id as rid from pgflow.start_flow('rr_ev', '{}') \gset
select count(*) from pgflow_tests.read_and_start('rr_ev');
select pgflow.fail_task(:'rid', 'a', 0, 'boom');
select max(n) as before from realtime.sent \gset

select pgflow.retry_run(:'rid');
select results_eq(format($$ select payload ->> 'event_type', payload ->> 'step_slug' from realtime.sent where n > %s order by n $$, :before),
  $$ values ('run:retried'::text, null::text), ('step:started', 'a') $$, 'run:retried, then step:started for a');
select is((select payload - 'retried_at' from realtime.sent where payload ->> 'event_type' = 'run:retried'),
  jsonb_build_object('event_type', 'run:retried', 'run_id', :'rid', 'flow_slug', 'rr_ev', 'status', 'started'),
  'run:retried carries the run''s new status');
select ok((select (payload ->> 'retried_at') is not null from realtime.sent where payload ->> 'event_type' = 'run:retried'), 'and when');

select * from finish();
rollback;
