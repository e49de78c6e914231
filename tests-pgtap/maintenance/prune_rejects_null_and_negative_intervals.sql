begin;
select plan(2);

select throws_ok($$ select pgflow.prune(null) $$, '22004', 'older_than must not be null', 'a null interval is refused');
select throws_ok($$ select pgflow.prune(interval '-1 day') $$,
  '22023', 'older_than must not be negative, got -1 days', 'a negative interval is refused');

select * from finish();
rollback;
