begin;
select plan(4);

select pgflow.create_flow('cd_v_wu');
select throws_ok($$ select pgflow.add_step('cd_v_wu', 'a', when_unmet => 'ignore') $$,
  '22023', 'invalid when_unmet "ignore" for step "a"', 'an unknown when_unmet is refused');
select throws_ok($$ select pgflow.add_step('cd_v_wu', 'a', when_unmet => null) $$,
  '22023', 'invalid when_unmet "NULL" for step "a"', 'a null when_unmet is refused');
select throws_ok($$ select pgflow.add_step('cd_v_wu', 'a', array[]::text[], when_unmet => 'SKIP') $$,
  '22023', 'invalid when_unmet "SKIP" for step "a"', 'when_unmet is case-sensitive (with deps overload too)');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'cd_v_wu' $$, 'no step was added');

select * from finish();
rollback;
