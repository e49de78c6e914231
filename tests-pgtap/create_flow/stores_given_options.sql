begin;
select plan(3);

-- The contract's example: create_flow('email_campaign', 5, 10, 300), positional.
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.create_flow('cf_given', 5, 10, 300) $$,
  $$ values (5, 10, 300) $$, 'returns the flow with the given options');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.flows where flow_slug = 'cf_given' $$,
  $$ values (5, 10, 300) $$, 'stores the given options');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.create_flow('cf_given_two', 4) $$,
  $$ values (4, 1, 60) $$, 'options left out take their defaults');

select * from finish();
rollback;
