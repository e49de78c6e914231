begin;
select plan(2);

-- "run" is the key of the run input in task inputs.
select is(pgflow.is_valid_slug('run'), false, '"run" is reserved');
select is(pgflow.is_valid_slug('runs'), true, 'only the exact word is reserved');

select * from finish();
rollback;
