begin;
select plan(3);

-- A new install or a new flow: the tables have never been analyzed, and the
-- workers' plans (generic, see start_tasks) are made then. start_tasks must
-- still find a message's task by its id, not read every task of the flow (or
-- every started run) for each call.
select pgflow.create_flow('st_fresh', 3, 0, 60);
select pgflow.add_step('st_fresh', 'a');
select pgflow.add_step('st_fresh', 'b', array['a']);
select count(*) from pgflow.start_flows('st_fresh',
  (select jsonb_agg(jsonb_build_object('i', g)) from generate_series(1, 400) as g));

-- What the planner sees before the first analyze (rolled back with the test).
update pg_catalog.pg_class set relpages = 0, reltuples = -1, relallvisible = 0
 where oid in ('pgflow.step_tasks'::regclass, 'pgflow.runs'::regclass);
delete from pg_catalog.pg_statistic
 where starelid in ('pgflow.step_tasks'::regclass, 'pgflow.runs'::regclass);

create temp table st_fresh_fetch as
select (select idx_tup_fetch from pg_stat_xact_user_tables where relid = 'pgflow.step_tasks'::regclass) as tasks,
       (select idx_tup_fetch from pg_stat_xact_user_tables where relid = 'pgflow.runs'::regclass) as runs;
create temp table st_fresh_got as select * from pgflow_tests.read_and_start('st_fresh', 10);

select is((select count(*)::integer from st_fresh_got), 10, 'ten messages read, ten tasks started');
select cmp_ok((select idx_tup_fetch from pg_stat_xact_user_tables where relid = 'pgflow.step_tasks'::regclass)
              - (select tasks from st_fresh_fetch), '<=', 60::bigint,
  'start_tasks fetched a few rows of step_tasks per message, not the 400 tasks of the flow');
select cmp_ok((select idx_tup_fetch from pg_stat_xact_user_tables where relid = 'pgflow.runs'::regclass)
              - (select runs from st_fresh_fetch), '<=', 60::bigint,
  'and a few runs per message, not the 400 started runs');

select * from finish();
rollback;
