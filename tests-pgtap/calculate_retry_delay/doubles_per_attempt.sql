begin;
select plan(6);

-- floor(base_delay * 2^attempts_count): the contract's table for base 5.
select is(pgflow.calculate_retry_delay(5, 0), 5, 'base 5, attempt 0: 5s');
select is(pgflow.calculate_retry_delay(5, 1), 10, 'base 5, attempt 1: 10s');
select is(pgflow.calculate_retry_delay(5, 2), 20, 'base 5, attempt 2: 20s');
select is(pgflow.calculate_retry_delay(5, 3), 40, 'base 5, attempt 3: 40s');
select is(pgflow.calculate_retry_delay(1, 10), 1024, 'base 1, attempt 10: 1024s');
select is(pgflow.calculate_retry_delay(2, 3), 16, 'base 2, attempt 3: 16s (the retry schedule''s 2 * 2^3)');

select * from finish();
rollback;
