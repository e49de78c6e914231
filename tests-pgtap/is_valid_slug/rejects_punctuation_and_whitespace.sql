begin;
select plan(9);

select is(pgflow.is_valid_slug('my-flow'), false, 'dash');
select is(pgflow.is_valid_slug('my flow'), false, 'inner space');
select is(pgflow.is_valid_slug(' flow'), false, 'leading space');
select is(pgflow.is_valid_slug('flow '), false, 'trailing space');
select is(pgflow.is_valid_slug(e'flow\n'), false, 'trailing newline (the regex is anchored at the real end)');
select is(pgflow.is_valid_slug('a.b'), false, 'dot');
select is(pgflow.is_valid_slug('a$b'), false, 'dollar');
select is(pgflow.is_valid_slug('a"b'), false, 'double quote');
select is(pgflow.is_valid_slug('a;drop'), false, 'semicolon');

select * from finish();
rollback;
