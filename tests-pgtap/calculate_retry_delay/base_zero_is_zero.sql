begin;
select plan(3);

select is(pgflow.calculate_retry_delay(0, 0), 0, 'base 0, attempt 0: no delay');
select is(pgflow.calculate_retry_delay(0, 5), 0, 'base 0, attempt 5: no delay');
select is(pgflow.calculate_retry_delay(0, 1000), 0, 'base 0, a huge attempt count: still no delay');

select * from finish();
rollback;
