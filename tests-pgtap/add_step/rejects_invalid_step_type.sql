begin;
select plan(4);

select pgflow.create_flow('as_type');
select throws_ok($$ select pgflow.add_step('as_type', 'a', step_type => 'parallel') $$,
  '22023', 'invalid step_type "parallel" for step "a"', 'an unknown step_type is refused');
select throws_ok($$ select pgflow.add_step('as_type', 'a', step_type => null) $$,
  '22023', 'invalid step_type "NULL" for step "a"', 'a null step_type is refused');
select throws_ok($$ select pgflow.add_step('as_type', 'a', step_type => 'Map') $$,
  '22023', 'invalid step_type "Map" for step "a"', 'step_type is case-sensitive');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'as_type' $$, 'no step was added');

select * from finish();
rollback;
