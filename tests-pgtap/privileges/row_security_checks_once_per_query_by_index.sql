begin;
select plan(5);

-- The row-level security policies cost one call of _readable_flows per table
-- of a query (an InitPlan), not one per row, and leave the indexes to the
-- query: a run by its id through the primary key, and the policy's own
-- flow_slug = any(...) through runs' flow_slug index.
select pgflow_tests.new_role('client_a') as ca \gset
select pgflow.create_flow('pv_cost_a');
select pgflow.add_step('pv_cost_a', 'a');
select pgflow.create_flow('pv_cost_b');
select pgflow.add_step('pv_cost_b', 'b');
select pgflow.grant_client(:'ca', array['pv_cost_a']);
select count(*) from pgflow.start_flows('pv_cost_a', (select jsonb_agg(i) from generate_series(1, 200) as i));
select count(*) from pgflow.start_flows('pv_cost_b', (select jsonb_agg(i) from generate_series(1, 200) as i));
select run_id as run_a from pgflow.runs where flow_slug = 'pv_cost_a' limit 1 \gset
-- statistics of what the table holds now (rolled back with the test), so the
-- plans below do not depend on what autovacuum last saw in this database
analyze pgflow.runs;

set local track_functions = 'all';
create function pg_temp.calls() returns bigint language sql as $$
  select coalesce(pg_stat_get_xact_function_calls('pgflow._readable_flows(regrole)'::regprocedure), 0)
$$;
select pg_temp.calls() as before \gset
select is(pgflow_tests.as_role(:'ca', $$ select count(*)::text from pgflow.runs where flow_slug like 'pv_cost_%' $$), '200',
  'the client reads its 200 runs');
select is(pg_temp.calls() - :before, 1::bigint, 'with one call of _readable_flows');
select pg_temp.calls() as before \gset
select is(pgflow_tests.as_role(:'ca', $$ select count(*)::text from pgflow.runs as r join pgflow.step_states as ss using (run_id)
                                         join pgflow.step_tasks as t using (run_id, step_slug) where r.flow_slug like 'pv_cost_%' $$),
  '200', 'a join of three tables');
select is(pg_temp.calls() - :before, 3::bigint, 'calls it once per table');

set local enable_seqscan = off;
select matches(pgflow_tests.as_role(:'ca', format($$ explain (format json) select * from pgflow.runs where run_id = %L $$, :'run_a'))
               || pgflow_tests.as_role(:'ca', $$ explain (format json) select * from pgflow.runs $$),
  -- the InitPlan's value prints as $0 up to PostgreSQL 16, as (InitPlan 1).col1 from 17 on
  '"Index Name": "runs_pkey".*"Index Name": "runs_flow_slug_idx".*"Index Cond": "\(flow_slug = ANY \((\$0|\(InitPlan 1\)\.col1)\)\)"',
  'a run by id comes through the primary key, and all of its runs through the flow_slug index');

select * from finish();
rollback;
