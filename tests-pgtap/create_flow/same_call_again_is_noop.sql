begin;
select plan(5);

-- Flows are immutable: the same call again returns the existing flow and changes nothing.
select pgflow.create_flow('cf_again', 4, 2, 30);
update pgflow.flows set created_at = created_at - interval '1 hour' where flow_slug = 'cf_again';
select results_eq($$ select flow_slug, opt_max_attempts, opt_base_delay, opt_timeout, created_at from pgflow.create_flow('cf_again', 4, 2, 30) $$,
  $$ select flow_slug, opt_max_attempts, opt_base_delay, opt_timeout, created_at from pgflow.flows where flow_slug = 'cf_again' $$,
  'the second call returns the existing row');
select is((select created_at from pgflow.flows where flow_slug = 'cf_again'), now() - interval '1 hour',
  'the existing row is not rewritten (created_at kept)');
select is((select count(*)::integer from pgflow.flows where flow_slug = 'cf_again'), 1, 'still one flow row');
select is((select count(*)::integer from pgmq.meta where queue_name = 'cf_again'), 1, 'still one queue');
select lives_ok($$ select pgflow.create_flow('cf_again', max_attempts => 4, base_delay => 2, timeout => 30) $$,
  'named arguments with the same values are the same call');

select * from finish();
rollback;
