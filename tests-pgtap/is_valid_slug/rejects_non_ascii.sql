begin;
select plan(4);

-- Only ASCII letters count as letters.
select is(pgflow.is_valid_slug('café'), false, 'accented letter');
select is(pgflow.is_valid_slug('étape'), false, 'accented first letter');
select is(pgflow.is_valid_slug('шаг'), false, 'Cyrillic');
select is(pgflow.is_valid_slug('step_١'), false, 'a non-ASCII digit');

select * from finish();
rollback;
