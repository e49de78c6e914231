begin;
select plan(4);

-- create_flow( flow_slug ): defaults max_attempts 3, base_delay 1, timeout 60.
select results_eq($$ select flow_slug, opt_max_attempts, opt_base_delay, opt_timeout from pgflow.create_flow('cf_defaults') $$,
  $$ values ('cf_defaults'::text, 3, 1, 60) $$, 'returns the new flow with the default options');
select results_eq($$ select flow_slug, opt_max_attempts, opt_base_delay, opt_timeout from pgflow.flows where flow_slug = 'cf_defaults' $$,
  $$ values ('cf_defaults'::text, 3, 1, 60) $$, 'stores one flow row with the default options');
select is((select created_at from pgflow.flows where flow_slug = 'cf_defaults'), now(), 'created_at is now');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'cf_defaults' $$, 'a new flow has no steps');

select * from finish();
rollback;
