begin;
select plan(7);

-- is_valid_slug( slug ): ^[a-zA-Z_][a-zA-Z0-9_]*$
select is(pgflow.is_valid_slug('a'), true, 'one letter');
select is(pgflow.is_valid_slug('fetch_data'), true, 'snake_case');
select is(pgflow.is_valid_slug('FetchData'), true, 'mixed case');
select is(pgflow.is_valid_slug('step2'), true, 'digits after the first character');
select is(pgflow.is_valid_slug('A_1_b_2'), true, 'letters, digits and underscores');
select is(pgflow.is_valid_slug('Run'), true, '"Run" is not the reserved "run"');
select is(pgflow.is_valid_slug('run_id'), true, 'a slug merely starting with run is fine');

select * from finish();
rollback;
