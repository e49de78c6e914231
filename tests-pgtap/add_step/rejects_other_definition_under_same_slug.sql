begin;
select plan(8);

-- Another definition under an existing step slug: 42710 naming each difference.
select pgflow.create_flow('as_diff');
select pgflow.add_step('as_diff', 'a');
select pgflow.add_step('as_diff', 'b');
select pgflow.add_step('as_diff', 'c', array['a'], 3, null, 30);

select throws_ok($$ select pgflow.add_step('as_diff', 'c', array['a', 'b'], 3, null, 30) $$,
  '42710', 'step "c" already exists in flow "as_diff" with another definition: deps [a] -> [a, b]',
  'other dependencies');
select throws_ok($$ select pgflow.add_step('as_diff', 'c', array['a'], 4, null, 30) $$,
  '42710', 'step "c" already exists in flow "as_diff" with another definition: max_attempts 3 -> 4',
  'another max_attempts');
select throws_ok($$ select pgflow.add_step('as_diff', 'c', array['a'], 3, 2, null) $$,
  '42710', 'step "c" already exists in flow "as_diff" with another definition: base_delay default -> 2, timeout 30 -> default',
  'a set option and a dropped one, named against "default"');
select throws_ok($$ select pgflow.add_step('as_diff', 'c', array['a'], 3, null, 30, 7) $$,
  '42710', 'step "c" already exists in flow "as_diff" with another definition: start_delay default -> 7',
  'another start_delay');
select throws_ok($$ select pgflow.add_step('as_diff', 'c', array['a'], 3, null, 30, step_type => 'map') $$,
  '42710', 'step "c" already exists in flow "as_diff" with another definition: step_type single -> map',
  'another step_type');
select throws_ok($$ select pgflow.add_step('as_diff', 'a', array['b']) $$,
  '42710', 'step "a" already exists in flow "as_diff" with another definition: deps [] -> [b]',
  'a root step given dependencies');
select results_eq($$ select step_slug, deps_count, opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay, step_type
                      from pgflow.steps where flow_slug = 'as_diff' order by step_index $$,
  $$ values ('a'::text, 0, null::integer, null::integer, null::integer, null::integer, 'single'::text),
            ('b', 0, null, null, null, null, 'single'),
            ('c', 1, 3, null, 30, null, 'single') $$, 'the steps are unchanged');
select results_eq($$ select dep_slug, step_slug from pgflow.deps where flow_slug = 'as_diff' $$,
  $$ values ('a'::text, 'c'::text) $$, 'the deps are unchanged');

select * from finish();
rollback;
