begin;
select plan(3);

select throws_ok($$ select pgflow.create_flow(null) $$, '22004', 'flow slug must not be null', 'a null slug is refused');
select throws_ok($$ select pgflow.create_flow(null, 3, 1, 60) $$, '22004', 'flow slug must not be null',
  'a null slug with options is refused');
select is_empty($$ select 1 from pgflow.flows where flow_slug is null $$, 'no flow row was created');

select * from finish();
rollback;
