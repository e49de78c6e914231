begin;
select plan(8);

select lives_ok($$ select pgflow.create_flow('cf_opts', 3, 1, 60) $$, 'flow created');
select lives_ok($$ select pgflow.create_flow('cf_opts', 3, 1, 60) $$, 'the same call again is a no-op');
select throws_ok($$ select pgflow.create_flow('cf_opts', 5, 1, 60) $$,
  '42710', 'flow "cf_opts" already exists with other options: max_attempts 3 -> 5',
  'another max_attempts under the same slug is refused, naming the difference');
select throws_ok($$ select pgflow.create_flow('cf_opts', 5, 2, 30) $$,
  '42710', 'flow "cf_opts" already exists with other options: max_attempts 3 -> 5, base_delay 1 -> 2, timeout 60 -> 30',
  'every difference is named');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.flows where flow_slug = 'cf_opts' $$,
  $$ values (3, 1, 60) $$, 'the flow keeps its options');
select throws_ok($$ select pgflow.create_flow('cf_opts', timeout => 61) $$,
  '42710', 'flow "cf_opts" already exists with other options: timeout 60 -> 61',
  'a default left out compares as its default value');
select is((select count(*)::integer from pgflow.flows where flow_slug = 'cf_opts'), 1, 'still one flow row');
select is((select count(*)::integer from pgmq.meta where queue_name = 'cf_opts'), 1, 'still one queue');

select * from finish();
rollback;
