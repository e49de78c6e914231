begin;
select plan(12);

-- add_step is one function, so every call form upstream pgflow 0.8.1's code
-- and tests use resolves to it: positional, named, mixed, with NULLs and
-- untyped literals. (With a second overload without deps_slugs, an untyped
-- third argument fitted text[] and integer alike: "is not unique".)
select pgflow.create_flow('as_forms');
select lives_ok($$ select pgflow.add_step('as_forms', 'a') $$, 'flow and step only');
select lives_ok($$ select pgflow.add_step('as_forms', 'b', '{}') $$, 'an untyped empty array');
select lives_ok($$ select pgflow.add_step('as_forms', 'c', '{a}', null, null, null, null, 'single') $$,
  'eight positional arguments with NULLs and untyped literals');
select lives_ok($$ select pgflow.add_step('as_forms', 'm', '{}', null, null, null, null, 'map') $$,
  'a root map, as upstream''s tests add it');
select lives_ok($$ select pgflow.add_step('as_forms', 'd', null, null, null, null) $$, 'NULL deps and options');
select lives_ok($$ select pgflow.add_step('as_forms', 'e', array['a'], 3) $$, 'a typed array and an option');
select lives_ok($$ select pgflow.add_step('as_forms', 'f', deps_slugs => array['a'], max_attempts => 2) $$, 'named');
select lives_ok($$ select pgflow.add_step('as_forms', 'g', array['a'], timeout => 5, step_type => 'single') $$, 'mixed');
select lives_ok($$ select pgflow.add_step(flow_slug => 'as_forms', step_slug => 'h', timeout => 9) $$,
  'named without deps');
select lives_ok($$ select pgflow.add_step('as_forms', 'i', ARRAY[]::text[], 1, 2, 3, 4, 'single') $$, 'all typed');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'as_forms'), 10, 'every call added its step');
select is((select step_type from pgflow.steps where flow_slug = 'as_forms' and step_slug = 'm'), 'map', 'the map is a map');

select * from finish();
rollback;
