begin;
select plan(3);

-- The tables were analyzed while they held no live row (autovacuum after a
-- burst of rolled-back work, a new install): their statistics say empty,
-- whatever their size, and a session's plans are made then. Settling the
-- completed steps must still start from the steps it was given, not from the
-- flow's steps with every step_state of the flow behind them.
select pgflow.create_flow('st_empty');
select pgflow.add_step('st_empty', 'a');
select pgflow.add_step('st_empty', 'b', array['a']);
select count(*) from pgflow.start_flows('st_empty',
  (select jsonb_agg(jsonb_build_object('i', g)) from generate_series(1, 500) as g));
create temp table st_empty_started as select * from pgflow_tests.read_and_start('st_empty', 10);

-- What the planner sees after such an analyze (rolled back with the test).
update pg_catalog.pg_class
   set relpages = case relname when 'flows' then 1 when 'steps' then 2 else 0 end, reltuples = 0
 where relnamespace = 'pgflow'::regnamespace and relkind = 'r';
delete from pg_catalog.pg_statistic
 where starelid in (select c.oid from pg_catalog.pg_class as c where c.relnamespace = 'pgflow'::regnamespace);

-- Rows fetched through any index of step_states (and by bitmap scans).
create temp table st_empty_fetch as
select (select idx_tup_fetch from pg_stat_xact_user_tables where relid = 'pgflow.step_states'::regclass) as states;
select is((select count(*)::integer
             from pgflow.complete_tasks((select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug, 'output', 1))
                                           from st_empty_started))),
          10, 'ten tasks completed');
select cmp_ok((select idx_tup_fetch from pg_stat_xact_user_tables where relid = 'pgflow.step_states'::regclass)
              - (select states from st_empty_fetch),
              '<=', 100::bigint,
  'complete_tasks fetched a few step_states per task, not the 1000 of the flow');
select is((select count(*)::integer from pgflow.step_states
            where flow_slug = 'st_empty' and step_slug = 'b' and status = 'started'),
          10, 'and started the ten dependents');

select * from finish();
rollback;
