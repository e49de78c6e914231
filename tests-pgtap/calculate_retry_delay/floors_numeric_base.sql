begin;
select plan(5);

-- base_delay is numeric; the result is floored to whole seconds.
select is(pgflow.calculate_retry_delay(1.5, 0), 1, '1.5 * 1 floors to 1');
select is(pgflow.calculate_retry_delay(1.5, 1), 3, '1.5 * 2 = 3');
select is(pgflow.calculate_retry_delay(0.3, 2), 1, '0.3 * 4 = 1.2 floors to 1');
select is(pgflow.calculate_retry_delay(0.1, 0), 0, '0.1 floors to 0');
select is(pgflow.calculate_retry_delay(2.75, 3), 22, '2.75 * 8 = 22');

select * from finish();
rollback;
