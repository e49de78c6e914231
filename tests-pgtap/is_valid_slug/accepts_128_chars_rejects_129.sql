begin;
select plan(4);

select is(pgflow.is_valid_slug(repeat('a', 128)), true, '128 characters is the maximum');
select is(pgflow.is_valid_slug(repeat('a', 129)), false, '129 characters is too long');
select is(pgflow.is_valid_slug('_' || repeat('9', 127)), true, '128 with digits');
select is(pgflow.is_valid_slug(repeat('a', 10000)), false, 'a very long text');

select * from finish();
rollback;
