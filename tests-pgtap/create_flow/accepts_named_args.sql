begin;
select plan(3);

-- Named notation as in the contract: create_flow(flow_slug := ..., max_attempts := ..., ...).
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout
                      from pgflow.create_flow(flow_slug := 'cf_named', max_attempts := 3, base_delay := 5, timeout := 120) $$,
  $$ values (3, 5, 120) $$, 'all options by name');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.create_flow('cf_named_t', timeout := 120) $$,
  $$ values (3, 1, 120) $$, 'only timeout by name, the rest default');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout
                      from pgflow.create_flow('cf_named_m', max_attempts := 5, base_delay := 2) $$,
  $$ values (5, 2, 60) $$, 'max_attempts and base_delay by name, timeout defaults');

select * from finish();
rollback;
