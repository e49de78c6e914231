-- Without conditions, a root step with tasks is inserted started (its tasks
-- queued by the cascade): step_states gets no update at all from start_flow.
-- Roots that cannot start at once still go through the cascade: a map over
-- [] (completed there), and every root of a flow with conditions (tested
-- before anything starts).
begin;
select plan(8);

select pgflow.create_flow('rs_plain');
select pgflow.add_step('rs_plain', 'a');
select pgflow.add_step('rs_plain', 'b');
select pgflow.add_step('rs_plain', 'c', array['a', 'b']);

create temp table before as
select pg_stat_get_xact_tuples_updated('pgflow.step_states'::regclass) as updated;
create temp table run as select * from pgflow.start_flow('rs_plain', '{"x": 1}');
select is(pg_stat_get_xact_tuples_updated('pgflow.step_states'::regclass) - (select updated from before), 0::bigint,
  'start_flow updates no step_states row: its roots were inserted started');
select results_eq($$ select step_slug, status, remaining_tasks, started_at is not null
                       from pgflow.step_states where run_id = (select run_id from run) order by step_slug $$,
  $$ values ('a'::text, 'started'::text, 1, true), ('b', 'started', 1, true), ('c', 'created', null, false) $$,
  'roots started with their task count, the dependent waits');
select is((select count(*)::integer from pgflow.step_tasks where run_id = (select run_id from run) and status = 'queued'
             and message_id is not null), 2,
  'each root has its queued task and message');
select is_empty($$ select * from pgflow.check_invariants((select run_id from run)) $$, 'invariants hold');

-- A root map: as many tasks as elements; over [], completed by the cascade.
select pgflow.create_flow('rs_map');
select pgflow.add_step('rs_map', 'm', step_type => 'map');
create temp table maps as
select i, (select run_id from pgflow.start_flow('rs_map', x)) as run_id
  from (values (1, '[1, 2, 3]'::jsonb), (2, '[]')) as v(i, x);
select is((select remaining_tasks from pgflow.step_states
            where run_id = (select run_id from maps where i = 1) and step_slug = 'm'), 3,
  'a root map starts with one task per element');
select is((select status from pgflow.runs where run_id = (select run_id from maps where i = 2)),
  'completed', 'a root map over [] completes, and its run with it');

-- A flow with conditions: roots are tested first, then started.
select pgflow.create_flow('rs_cond');
select pgflow.add_step('rs_cond', 'go', run_if => '{"run": {"go": true}}');
select pgflow.add_step('rs_cond', 'stay', run_if => '{"run": {"go": false}}');
create temp table run2 as select * from pgflow.start_flow('rs_cond', '{"go": true}');
select results_eq($$ select step_slug, status from pgflow.step_states
                      where run_id = (select run_id from run2) order by step_slug $$,
  $$ values ('go'::text, 'started'::text), ('stay', 'skipped') $$,
  'with conditions, the met root starts and the unmet one is skipped');
select is_empty($$ select * from pgflow.check_invariants((select run_id from run2)) $$, 'invariants hold');

select * from finish();
rollback;
