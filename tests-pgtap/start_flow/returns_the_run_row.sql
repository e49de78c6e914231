begin;
select plan(4);

select pgflow.create_flow('sf_returns');
select pgflow.add_step('sf_returns', 'a');
select pgflow.add_step('sf_returns', 'b', array['a']);

create temp table sf_ret as select * from pgflow.start_flow('sf_returns', '{"x": true}');

select is((select count(*)::integer from sf_ret), 1, 'one row is returned');
select results_eq($$ select * from sf_ret $$,
  $$ select r.* from pgflow.runs as r join sf_ret using (run_id) $$,
  'it is the run''s row as stored');
select results_eq($$ select flow_slug, status, input, remaining_steps from sf_ret $$,
  $$ values ('sf_returns'::text, 'started'::text, '{"x": true}'::jsonb, 2) $$,
  'with flow, status, input and remaining_steps');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, (select run_id from sf_ret)),
  'invariants hold after start_flow');

select * from finish();
rollback;
