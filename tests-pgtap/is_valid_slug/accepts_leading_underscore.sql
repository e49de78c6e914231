begin;
select plan(3);

select is(pgflow.is_valid_slug('_private'), true, 'an underscore may start a slug');
select is(pgflow.is_valid_slug('_'), true, 'a lone underscore is a slug');
select is(pgflow.is_valid_slug('__x__'), true, 'several underscores');

select * from finish();
rollback;
