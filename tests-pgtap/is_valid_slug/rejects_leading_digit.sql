begin;
select plan(3);

select is(pgflow.is_valid_slug('1step'), false, 'a digit cannot start a slug');
select is(pgflow.is_valid_slug('0'), false, 'a lone digit is not a slug');
select is(pgflow.is_valid_slug('9_a'), false, 'digit then underscore');

select * from finish();
rollback;
