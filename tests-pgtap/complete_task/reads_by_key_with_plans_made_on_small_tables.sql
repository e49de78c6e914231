begin;
select plan(8);

-- The worker functions run with generic plans, made at a session's first call
-- and kept. A worker that starts while the tables are small (a new install, a
-- flow just created, tables just truncated or analyzed empty) makes them then.
-- Later, with many runs, a completion must still read its rows by key: the
-- run, the task, the step and its dependents, not every step_state of the
-- flow. Counted here as the rows the call fetched from each table.
select pgflow.create_flow('ck_small', 3, 0, 60);
select pgflow.add_step('ck_small', 'a');
select pgflow.add_step('ck_small', 'b', array['a']);
select pgflow.add_step('ck_small', 'c', array['b']);

-- What the planner sees after an analyze of empty tables (rolled back with the test).
update pg_catalog.pg_class set relpages = 0, reltuples = 0, relallvisible = 0
 where oid in ('pgflow.step_tasks'::regclass, 'pgflow.runs'::regclass, 'pgflow.step_states'::regclass);
delete from pg_catalog.pg_statistic
 where starelid in ('pgflow.step_tasks'::regclass, 'pgflow.runs'::regclass, 'pgflow.step_states'::regclass);

-- One run worked from start to end: every plan of the path is made now.
select pgflow.start_flow('ck_small', '{}');
select is(pgflow_tests.drive('ck_small'), 3, 'a first run is worked while the tables are small');
select pgflow.start_flow('ck_small', '{}');
select pgflow_tests.read_and_start('ck_small', 1);
select pgflow.fail_task(run_id, step_slug, task_index, 'warm') from pgflow.step_tasks
 where flow_slug = 'ck_small' and status = 'started';
select pgflow_tests.make_visible('ck_small');
select count(*) from pgflow.complete_tasks((select jsonb_agg(jsonb_build_object('run_id', t.run_id, 'step_slug', t.step_slug,
                                                                                'task_index', t.task_index, 'output', '{}'::jsonb))
                                              from pgflow_tests.read_and_start('ck_small', 1) as t));

-- Then the tables grow: 400 runs, their first tasks started.
select count(*) from pgflow.start_flows('ck_small', (select jsonb_agg(g) from generate_series(1, 400) as g));
select count(*) from pgflow_tests.read_and_start('ck_small', 500);

create function pg_temp.fetched() returns bigint language sql as $$
  select sum(coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0))::bigint
    from pg_stat_xact_user_tables
   where relid in ('pgflow.step_tasks'::regclass, 'pgflow.runs'::regclass, 'pgflow.step_states'::regclass)
$$;
create temp table ck_task as
select run_id, step_slug, task_index from pgflow.step_tasks
 where flow_slug = 'ck_small' and status = 'started' and step_slug = 'a' order by run_id limit 12;

select pg_temp.fetched() as before \gset
select is((select count(*)::integer from (select * from ck_task order by run_id limit 1) as t,
                  lateral pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{}')), 1, 'complete_task completes a task');
select cmp_ok(pg_temp.fetched() - :before, '<=', 30::bigint,
  'reading about ten rows of the three tables, not the 1200 step_states of the flow');

select pg_temp.fetched() as before \gset
select is((select count(*)::integer from pgflow.complete_tasks(
             (select jsonb_agg(jsonb_build_object('run_id', run_id, 'step_slug', step_slug, 'task_index', task_index,
                                                  'output', '{}'::jsonb))
                from (select * from ck_task order by run_id offset 1 limit 10) as t))),
  10, 'complete_tasks completes ten tasks of ten runs');
select cmp_ok(pg_temp.fetched() - :before, '<=', 300::bigint,
  'reading rows of their runs only');

select pg_temp.fetched() as before \gset
select is((select count(*)::integer from (select * from ck_task order by run_id offset 11 limit 1) as t,
                  lateral pgflow.fail_task(t.run_id, t.step_slug, t.task_index, 'boom')), 1, 'fail_task retries a task');
select cmp_ok(pg_temp.fetched() - :before, '<=', 30::bigint,
  'reading about ten rows of the three tables');

select is_empty($$ select * from pgflow.check_invariants() $$, 'check_invariants() finds nothing');

select * from finish();
rollback;
