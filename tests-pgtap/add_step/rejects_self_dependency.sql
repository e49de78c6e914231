begin;
select plan(4);

select pgflow.create_flow('as_self');
select pgflow.add_step('as_self', 'a');
select throws_ok($$ select pgflow.add_step('as_self', 'b', array['b']) $$,
  '22023', 'step "b" cannot depend on itself', 'a new step depending on itself is refused');
select throws_ok($$ select pgflow.add_step('as_self', 'c', array['a', 'c']) $$,
  '22023', 'step "c" cannot depend on itself', 'also among other dependencies');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_self' $$,
  $$ values ('a'::text) $$, 'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_self' $$, 'no deps row was added');

select * from finish();
rollback;
