begin;
select plan(2);

select throws_ok($$ select pgflow.get_run_with_states('00000000-0000-4000-8000-00000000b001') $$,
  '42704', 'run "00000000-0000-4000-8000-00000000b001" does not exist', 'an unknown run is refused');
select throws_ok($$ select pgflow.get_run_with_states(null) $$,
  '22004', 'run_id must not be null', 'a null run id is refused as null');

select * from finish();
rollback;
