begin;
select plan(2);

-- The smallest allowed values: max_attempts 0, base_delay 0, timeout 1.
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.create_flow('cf_bounds', 0, 0, 1) $$,
  $$ values (0, 0, 1) $$, 'max_attempts 0, base_delay 0 and timeout 1 are accepted');
select ok(exists (select from pgmq.meta where queue_name = 'cf_bounds'), 'and the queue is created');

select * from finish();
rollback;
