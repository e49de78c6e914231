begin;
select plan(3);

-- Overrides are stored as given; null means inherit the flow's option.
select pgflow.create_flow('as_opts');
select pgflow.add_step('as_opts', 'a');
select results_eq(
  $$ select opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
       from pgflow.add_step('as_opts', 'b', array['a'], 7, 3, 45, 10) $$,
  $$ values (7, 3, 45, 10) $$, 'with dependencies: positional options returned');
select results_eq(
  $$ select opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
       from pgflow.add_step('as_opts', 'c', max_attempts => 0, base_delay => 0, timeout => 1, start_delay => 0) $$,
  $$ values (0, 0, 1, 0) $$, 'without dependencies, options by name: the smallest allowed values');
select results_eq(
  $$ select step_slug, opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
       from pgflow.steps where flow_slug = 'as_opts' order by step_index $$,
  $$ values ('a'::text, null::integer, null::integer, null::integer, null::integer),
            ('b', 7, 3, 45, 10), ('c', 0, 0, 1, 0) $$,
  'the rows hold the overrides');

select * from finish();
rollback;
