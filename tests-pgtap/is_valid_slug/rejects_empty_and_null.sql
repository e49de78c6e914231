begin;
select plan(2);

-- Not null or empty: null yields false, not null.
select is(pgflow.is_valid_slug(''), false, 'the empty string is not a slug');
select is(pgflow.is_valid_slug(null), false, 'null is not a slug (false, not null)');

select * from finish();
rollback;
