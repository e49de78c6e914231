begin;
select plan(6);

select pgflow.create_flow('as_range');
select pgflow.add_step('as_range', 'a');
select throws_ok($$ select pgflow.add_step('as_range', 'b', max_attempts => -1) $$,
  '22023', 'max_attempts must be at least 0, got -1', 'negative max_attempts');
select throws_ok($$ select pgflow.add_step('as_range', 'b', array['a'], base_delay => -1) $$,
  '22023', 'base_delay must be at least 0, got -1', 'negative base_delay');
select throws_ok($$ select pgflow.add_step('as_range', 'b', timeout => 0) $$,
  '22023', 'timeout must be at least 1, got 0', 'timeout 0');
select throws_ok($$ select pgflow.add_step('as_range', 'b', array['a'], start_delay => -1) $$,
  '22023', 'start_delay must be at least 0, got -1', 'negative start_delay');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_range' $$, $$ values ('a'::text) $$,
  'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_range' $$, 'no deps row was added');

select * from finish();
rollback;
