begin;
select plan(10);

-- A client of flow A (grant_client with flow_slugs) reads flow A's
-- definitions, runs, step states and tasks, and not one row of flow B's: row-
-- level security on the six tables it may select from. A run of flow B is to
-- get_run_with_states a run that does not exist. pgflow's own functions (as
-- the owner) and the owner itself still see everything.
select pgflow_tests.new_role('client_a') as ca \gset
select pgflow_tests.new_role('client_all') as call \gset
select pgflow.create_flow('pv_rows_a');
select pgflow.add_step('pv_rows_a', 'a1');
select pgflow.add_step('pv_rows_a', 'a2', array['a1']);
select pgflow.create_flow('pv_rows_b');
select pgflow.add_step('pv_rows_b', 'b1');
select pgflow.add_step('pv_rows_b', 'b2', array['b1']);
select pgflow.grant_client(:'ca', array['pv_rows_a']);
select pgflow.grant_client(:'call');
select run_id as run_a from pgflow.start_flow('pv_rows_a', '{"secret": "a"}') \gset
select run_id as run_b from pgflow.start_flow('pv_rows_b', '{"secret": "b"}') \gset
select count(*) from pgflow_tests.read_and_start('pv_rows_a');
select count(*) from pgflow_tests.read_and_start('pv_rows_b');

create function pg_temp.flows_seen(role_name text, tbl text) returns text language sql as $$
  select pgflow_tests.as_role(role_name, format(
    $q$ select coalesce(string_agg(distinct flow_slug, ',' order by flow_slug), '') from pgflow.%I
         where flow_slug in ('pv_rows_a', 'pv_rows_b') $q$, tbl))
$$;

select is(pg_temp.flows_seen(:'ca', 'flows'), 'pv_rows_a', 'flows: only its flow');
select is(pg_temp.flows_seen(:'ca', 'steps') || ' ' || pg_temp.flows_seen(:'ca', 'deps'), 'pv_rows_a pv_rows_a',
  'steps and deps: only its flow''s');
select is(pg_temp.flows_seen(:'ca', 'runs') || ' ' || pg_temp.flows_seen(:'ca', 'step_states') || ' '
          || pg_temp.flows_seen(:'ca', 'step_tasks'), 'pv_rows_a pv_rows_a pv_rows_a',
  'runs, step_states and step_tasks: only its flow''s');
select is(pgflow_tests.as_role(:'ca', format($$ select count(*)::text from pgflow.runs where run_id = %L or input ->> 'secret' = 'b' $$, :'run_b')),
  '0', 'not even by run id or by input');
select is(pgflow_tests.as_role(:'ca', format($$ select pgflow.get_run_with_states(%L) -> 'run' ->> 'input' $$, :'run_a')),
  '{"secret": "a"}', 'get_run_with_states reads its own run');
select is(pgflow_tests.as_role(:'ca', format($$ select pgflow.get_run_with_states(%L) $$, :'run_b')),
  replace(pgflow_tests.as_role(:'ca', $$ select pgflow.get_run_with_states('00000000-0000-4000-8000-00000000dead') $$),
          '00000000-0000-4000-8000-00000000dead', :'run_b'),
  'and a run of flow B exactly as a run that does not exist');
select is(pg_temp.flows_seen(:'call', 'runs') || ' ' || pg_temp.flows_seen(:'call', 'step_tasks'),
  'pv_rows_a,pv_rows_b pv_rows_a,pv_rows_b', 'a client of every flow reads both');
select is(pgflow_tests.as_role(:'ca', format($$ select array_length(pgflow._readable_flows(%L), 1)::text $$, :'call')),
  null, 'a client cannot ask what another role may read');
select is((select string_agg(distinct flow_slug, ',' order by flow_slug) from pgflow.step_tasks
            where flow_slug in ('pv_rows_a', 'pv_rows_b')),
  'pv_rows_a,pv_rows_b', 'the owner reads everything');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) union all select * from pgflow_tests.invariants(%L) $$,
                       :'run_a', :'run_b'),
  'the engine (as the owner) sees both runs whole');

select * from finish();
rollback;
