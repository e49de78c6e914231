begin;
select plan(1);

select throws_ok($$ select pgflow.start_flow(null, '{}') $$,
  '22004', 'flow slug must not be null', 'a null flow slug is refused');

select * from finish();
rollback;
