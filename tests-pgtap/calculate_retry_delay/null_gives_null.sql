begin;
select plan(3);

-- floor(null * 2^n) is null: an unknown base or attempt count has no delay to
-- compute (least() must not turn it into the cap).
select is(pgflow.calculate_retry_delay(null, 1), null, 'a null base_delay gives null');
select is(pgflow.calculate_retry_delay(5, null), null, 'a null attempts_count gives null');
select is(pgflow.calculate_retry_delay(null, null), null, 'both null gives null');

select * from finish();
rollback;
