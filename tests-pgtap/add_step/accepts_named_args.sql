begin;
select plan(4);

-- The contract's examples in named notation.
select pgflow.create_flow('as_named');
select pgflow.add_step('as_named', 'load_recipients');
select pgflow.add_step('as_named', 'validate_content');
select results_eq(
  $$ select step_slug, deps_count, opt_max_attempts, opt_base_delay, opt_timeout
       from pgflow.add_step('as_named', 'send_emails', array['load_recipients', 'validate_content'], max_attempts := 5) $$,
  $$ values ('send_emails'::text, 2, 5, null::integer, null::integer) $$,
  'deps positional, max_attempts by name');
select results_eq(
  $$ select step_slug, deps_count from pgflow.add_step(flow_slug := 'as_named', step_slug := 'transform',
                                                        deps_slugs := array['send_emails']) $$,
  $$ values ('transform'::text, 1) $$, 'flow_slug, step_slug and deps_slugs by name');
select results_eq(
  $$ select opt_max_attempts, opt_base_delay from pgflow.add_step('as_named', 'flaky_api_call', max_attempts := 10, base_delay := 1) $$,
  $$ values (10, 1) $$, 'the no-deps overload with options by name');
select results_eq(
  $$ select opt_timeout from pgflow.add_step('as_named', 'long_step', timeout := 600) $$,
  $$ values (600) $$, 'timeout alone by name');

select * from finish();
rollback;
