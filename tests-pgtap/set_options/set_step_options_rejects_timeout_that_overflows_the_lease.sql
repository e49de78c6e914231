-- set_step_options refuses a timeout above 2147483645 (its lease, timeout +
-- 2 s, is a pgmq visibility timeout in integer seconds) and changes nothing,
-- not even the options given with it.
begin;
select plan(3);

select pgflow.create_flow('sso_huge');
select pgflow.add_step('sso_huge', 'a', timeout => 30, start_delay => 1);
select throws_ok($$ select pgflow.set_step_options('sso_huge', 'a', start_delay => 5, timeout => 2147483646) $$,
  '22023', 'timeout must be at most 2147483645, got 2147483646', 'timeout 2147483646 is refused');
select results_eq($$ select opt_timeout, opt_start_delay from pgflow.steps where flow_slug = 'sso_huge' and step_slug = 'a' $$,
  $$ values (30, 1) $$, 'nothing changed');
select results_eq($$ select opt_timeout from pgflow.set_step_options('sso_huge', 'a', timeout => 2147483645) $$,
  $$ values (2147483645) $$, 'timeout 2147483645 is accepted');

select * from finish();
rollback;
