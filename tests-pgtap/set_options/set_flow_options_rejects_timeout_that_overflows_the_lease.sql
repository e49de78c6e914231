-- set_flow_options refuses a timeout above 2147483645 (its lease, timeout +
-- 2 s, is a pgmq visibility timeout in integer seconds) and changes nothing,
-- not even the options given with it.
begin;
select plan(3);

select pgflow.create_flow('so_huge', max_attempts => 3, base_delay => 1, timeout => 60);
select throws_ok($$ select pgflow.set_flow_options('so_huge', max_attempts => 5, timeout => 2147483647) $$,
  '22023', 'timeout must be at most 2147483645, got 2147483647', 'the largest integer timeout is refused');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.flows where flow_slug = 'so_huge' $$,
  $$ values (3, 1, 60) $$, 'nothing changed');
select results_eq($$ select opt_timeout from pgflow.set_flow_options('so_huge', timeout => 2147483645) $$,
  $$ values (2147483645) $$, 'timeout 2147483645 is accepted');

select * from finish();
rollback;
