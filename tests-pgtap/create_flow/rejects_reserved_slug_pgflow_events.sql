-- pgflow_events is the channel of every flow's events, and a flow's own
-- events go to the channel named after it: no flow may take that name. A step
-- may (its name is no channel).
begin;
select plan(10);

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select throws_ok($$ select pgflow.create_flow('pgflow_events') $$,
  '22023', 'flow slug "pgflow_events" is reserved', 'create_flow refuses pgflow_events');
select alike(pg_temp.hint_of($$ select pgflow.create_flow('pgflow_events') $$), '%pgflow_events is the channel%',
  'the hint says why');
select throws_ok($$ select pgflow.ensure_flow('pgflow_events', '{"steps": [{"slug": "a"}]}') $$,
  '22023', 'flow slug "pgflow_events" is reserved', 'ensure_flow refuses it too');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'pgflow_events' $$, 'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name = 'pgflow_events' $$, 'no queue was created');

select pgflow.create_flow('cf_pgflow_events');
select lives_ok($$ select pgflow.add_step('cf_pgflow_events', 'pgflow_events') $$, 'a step may be called pgflow_events');
select is((select step_slug from pgflow.steps where flow_slug = 'cf_pgflow_events'), 'pgflow_events', 'and it is stored');
select ok(pgflow.is_valid_slug('pgflow_events'), 'is_valid_slug (for flows and steps alike) still accepts it');

-- A flow of that name made before 0.2.7 (here by hand, as 0.2.6 did) still runs.
select pgmq.create('pgflow_events');
insert into pgflow.flows (flow_slug) values ('pgflow_events');
insert into pgflow.steps (flow_slug, step_slug) values ('pgflow_events', 'a');
select is((select status from pgflow.start_flow('pgflow_events', '{}')), 'started', 'an older pgflow_events flow starts runs');
select is(pgflow_tests.drive('pgflow_events'), 1, 'and its tasks are worked');

select * from finish();
rollback;
