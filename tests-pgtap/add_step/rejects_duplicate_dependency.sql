begin;
select plan(3);

select pgflow.create_flow('as_dupdep');
select pgflow.add_step('as_dupdep', 'a');
select throws_ok($$ select pgflow.add_step('as_dupdep', 'b', array['a', 'a']) $$,
  '22023', 'dependency "a" is listed twice for step "b"', 'a dependency listed twice is refused');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'as_dupdep' and step_slug = 'b' $$, 'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_dupdep' $$, 'no deps row was added');

select * from finish();
rollback;
