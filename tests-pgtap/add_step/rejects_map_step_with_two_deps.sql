begin;
select plan(3);

select pgflow.create_flow('as_map2');
select pgflow.add_step('as_map2', 'a');
select pgflow.add_step('as_map2', 'b');
select throws_ok($$ select pgflow.add_step('as_map2', 'm', array['a', 'b'], step_type => 'map') $$,
  '22023', 'Map step "m" can have at most one dependency, but 2 were provided: a, b', 'a map step with two dependencies is refused');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'as_map2' and step_slug = 'm' $$, 'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_map2' $$, 'no deps row was added');

select * from finish();
rollback;
