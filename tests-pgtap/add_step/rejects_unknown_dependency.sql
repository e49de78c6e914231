begin;
select plan(5);

select pgflow.create_flow('as_unk');
select pgflow.add_step('as_unk', 'extract');
select throws_ok($$ select pgflow.add_step('as_unk', 'load', array['transform']) $$,
  '42704', 'step "transform" does not exist in flow "as_unk"', 'an unknown dependency is refused');
select throws_ok($$ select pgflow.add_step('as_unk', 'load', array['extract', 'nope_b', 'nope_a']) $$,
  '42704', 'step "nope_b" does not exist in flow "as_unk"', 'the first unknown one in list order is named');
select pgflow.create_flow('as_unk_other');
select pgflow.add_step('as_unk_other', 'elsewhere');
select throws_ok($$ select pgflow.add_step('as_unk', 'load', array['elsewhere']) $$,
  '42704', 'step "elsewhere" does not exist in flow "as_unk"', 'a step of another flow is unknown here');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_unk' $$,
  $$ values ('extract'::text) $$, 'no step was added');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_unk' $$, 'no deps row was added');

select * from finish();
rollback;
