-- timeout is at most 2147483645 (its lease, timeout + 2 s, is a pgmq
-- visibility timeout in integer seconds), through either overload.
begin;
select plan(5);

select pgflow.create_flow('as_huge');
select pgflow.add_step('as_huge', 'a');
select throws_ok($$ select pgflow.add_step('as_huge', 'b', timeout => 2147483647) $$,
  '22023', 'timeout must be at most 2147483645, got 2147483647', 'a root step with the largest integer timeout');
select throws_ok($$ select pgflow.add_step('as_huge', 'b', array['a'], timeout => 2147483646) $$,
  '22023', 'timeout must be at most 2147483645, got 2147483646', 'a dependent step with timeout 2147483646');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_huge' $$, $$ values ('a'::text) $$,
  'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_huge' $$, 'no deps row was added');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
                       from pgflow.add_step('as_huge', 'b', array['a'], 2147483647, 2147483647, 2147483645, 2147483647) $$,
  $$ values (2147483647, 2147483647, 2147483645, 2147483647) $$,
  'timeout 2147483645 and the largest max_attempts, base_delay and start_delay are accepted');

select * from finish();
rollback;
