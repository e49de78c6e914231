begin;
select plan(2);

select throws_ok($$ select pgflow.add_step(null, 'a') $$, '22004', 'flow slug must not be null', 'a null flow slug');
select throws_ok($$ select pgflow.add_step('as-bad', 'a') $$, '22023', 'invalid flow slug "as-bad"', 'an invalid flow slug');

select * from finish();
rollback;
