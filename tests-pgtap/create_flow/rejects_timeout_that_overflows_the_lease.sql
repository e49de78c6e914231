-- A task's lease is timeout + 2 seconds, a pgmq visibility timeout in integer
-- seconds, so timeout is at most 2147483645. 0.2.6 took up to 2147483647, and
-- then every start_tasks of the flow failed on the overflow (22003).
begin;
select plan(7);

select throws_ok($$ select pgflow.create_flow('cf_huge', timeout => 2147483647) $$,
  '22023', 'timeout must be at most 2147483645, got 2147483647', 'the largest integer timeout is refused');
select throws_ok($$ select pgflow.create_flow('cf_huge', 3, 1, 2147483646) $$,
  '22023', 'timeout must be at most 2147483645, got 2147483646', 'one less is refused too');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'cf_huge' $$, 'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name = 'cf_huge' $$, 'no queue was created');

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;
select is(pg_temp.hint_of($$ select pgflow.create_flow('cf_huge', timeout => 2147483647) $$),
  'timeout is 1 to 2147483645 seconds: the lease, timeout + 2 seconds, is a pgmq visibility timeout in integer seconds.',
  'the hint gives the range and why');

-- The other options have no arithmetic that overflows: the whole range.
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout
                       from pgflow.create_flow('cf_huge', 2147483647, 2147483647, 2147483645) $$,
  $$ values (2147483647, 2147483647, 2147483645) $$, 'timeout 2147483645 and the largest max_attempts and base_delay are accepted');
select ok(exists (select from pgmq.meta where queue_name = 'cf_huge'), 'and the queue is created');

select * from finish();
rollback;
