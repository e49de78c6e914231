begin;
select plan(14);

-- when_exhausted is a step option: add_step takes it last (default 'fail';
-- null means fail), ensure_flow in a step's "options", set_step_options
-- changes it. A bad value is invalid_parameter_value naming it, with a hint,
-- and changes nothing. It is not part of the shape.
select pgflow.create_flow('we_opts');
select is((select when_exhausted from pgflow.add_step('we_opts', 'a')), 'fail', 'fail by default');
select is((select when_exhausted from pgflow.add_step('we_opts', 'b', when_exhausted => null)), 'fail', 'null means fail');
select is((select when_exhausted from pgflow.add_step('we_opts', 'c', array['a'], 3, null, null, null, 'single', null, null, 'skip',
                                                      'skip_cascade')), 'skip_cascade', 'all twelve arguments by position');
select is((select when_exhausted from pgflow.add_step('we_opts', 'd', when_exhausted => 'skip')), 'skip', 'by name');
select throws_ok($$ select pgflow.add_step('we_opts', 'e', when_exhausted => 'ignore') $$, '22023',
  'invalid when_exhausted "ignore" for step "e"', 'an unknown value is rejected');
select is_empty($$ select from pgflow.steps where flow_slug = 'we_opts' and step_slug = 'e' $$, 'and nothing added');
select throws_ok($$ select pgflow.add_step('we_opts', 'd', when_exhausted => 'fail') $$, '42710',
  'step "d" already exists in flow "we_opts" with another definition: when_exhausted skip -> fail',
  'the same step again with another when_exhausted says what differs');
select ok(not pgflow.get_flow_shape('we_opts')::text like '%exhausted%', 'when_exhausted is not part of the shape');

select is((select when_exhausted from pgflow.set_step_options('we_opts', 'a', when_exhausted => 'skip')), 'skip',
  'set_step_options changes it');
select is((select when_exhausted from pgflow.set_step_options('we_opts', 'a', max_attempts => 4)), 'skip',
  'and leaves it as it is when not given');
select throws_ok($$ select pgflow.set_step_options('we_opts', 'a', when_exhausted => 'never') $$, '22023',
  'invalid when_exhausted "never"', 'set_step_options rejects an unknown value');

select pgflow.ensure_flow('we_ensure', '{"steps": [{"slug": "a"}, {"slug": "b", "deps": ["a"], "options": {"when_exhausted": "skip", "max_attempts": 2}}]}');
select results_eq($$ select step_slug, when_exhausted from pgflow.steps where flow_slug = 'we_ensure' order by step_index $$,
  $$ values ('a'::text, 'fail'::text), ('b', 'skip') $$, 'ensure_flow takes it from a step''s options');
select throws_ok($$ select pgflow.ensure_flow('we_ensure_bad', '{"steps": [{"slug": "a", "options": {"when_exhausted": 1}}]}') $$,
  '22023', 'step "a" of the shape has an unknown when_exhausted 1', 'ensure_flow rejects a value that is not one of the three');
select is_empty($$ select from pgflow.flows where flow_slug = 'we_ensure_bad' $$, 'and creates nothing');

select * from finish();
rollback;
