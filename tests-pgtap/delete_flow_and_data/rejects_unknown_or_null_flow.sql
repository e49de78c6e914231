begin;
select plan(3);

select throws_ok($$ select pgflow.delete_flow_and_data('del_nope') $$,
  '42704', 'flow "del_nope" does not exist', 'an unknown flow is undefined_object');
select throws_ok($$ select pgflow.delete_flow_and_data(null) $$,
  '22004', 'flow slug must not be null', 'a null slug is null_value_not_allowed');
-- A slug that differs only in case is another (unknown) flow.
select pgflow.create_flow('del_case');
select throws_ok($$ select pgflow.delete_flow_and_data('DEL_CASE') $$,
  '42704', 'flow "DEL_CASE" does not exist', 'the slug must match exactly');

select * from finish();
rollback;
