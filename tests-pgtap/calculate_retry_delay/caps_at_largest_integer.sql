begin;
select plan(6);

-- Capped at 2147483647 so that a long retry chain cannot overflow.
select is(pgflow.calculate_retry_delay(1, 30), 1073741824, 'base 1, attempt 30: 2^30, below the cap');
select is(pgflow.calculate_retry_delay(1, 31), 2147483647, 'base 1, attempt 31: 2^31 is capped');
select is(pgflow.calculate_retry_delay(2, 30), 2147483647, 'base 2, attempt 30: 2^31 is capped');
select is(pgflow.calculate_retry_delay(1, 100), 2147483647, 'attempt 100 is capped');
select is(pgflow.calculate_retry_delay(1, 2147483647), 2147483647, 'the largest attempt count is capped, no overflow');
select is(pgflow.calculate_retry_delay(2147483647, 5), 2147483647, 'a huge base is capped');

select * from finish();
rollback;
