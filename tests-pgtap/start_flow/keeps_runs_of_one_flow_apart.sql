begin;
select plan(4);

select pgflow.create_flow('sf_two_runs');
select pgflow.add_step('sf_two_runs', 'a');
select run_id as r1 from pgflow.start_flow('sf_two_runs', '{"n": 1}') \gset
select run_id as r2 from pgflow.start_flow('sf_two_runs', '{"n": 2}') \gset

select isnt(:'r1'::uuid, :'r2'::uuid, 'two runs get two run ids');
select is((select count(*)::integer from pgmq.q_sf_two_runs where message ->> 'run_id' in (:'r1', :'r2')), 2,
  'one message each');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'r1'), 'invariants hold for the first run');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'r2'), 'and for the second');

select * from finish();
rollback;
