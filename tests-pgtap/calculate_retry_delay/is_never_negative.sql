begin;
select plan(3);

-- A delay is 0 to 2147483647 seconds: a negative base (no flow can have one)
-- means retry at once, and no base overflows the integer.
select is(pgflow.calculate_retry_delay(-1, 3), 0, 'base -1: 0');
select is(pgflow.calculate_retry_delay(-1e20, 3), 0, 'a huge negative base: 0, no overflow');
select is(pgflow.calculate_retry_delay('-Infinity', 0), 0, 'minus infinity: 0');

select * from finish();
rollback;
