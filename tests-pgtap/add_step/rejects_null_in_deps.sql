begin;
select plan(3);

select pgflow.create_flow('as_nulldep');
select pgflow.add_step('as_nulldep', 'a');
select throws_ok($$ select pgflow.add_step('as_nulldep', 'b', array['a', null]) $$,
  '22004', 'dependencies of step "b" must not contain null', 'a null dependency is refused');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'as_nulldep' and step_slug = 'b' $$, 'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_nulldep' $$, 'no deps row was added');

select * from finish();
rollback;
