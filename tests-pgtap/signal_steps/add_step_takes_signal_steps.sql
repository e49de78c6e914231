begin;
select plan(7);

-- add_step takes step_type 'signal'; the options of tasks (max_attempts,
-- base_delay, start_delay) are errors on it, timeout is how long it waits.
select pgflow.create_flow('sst_add');
select pgflow.add_step('sst_add', 'a');
select is((select step_type from pgflow.add_step('sst_add', 'approve', array['a'], step_type => 'signal', timeout => 3600)),
  'signal', 'a signal step');
select is((select opt_timeout from pgflow.steps where flow_slug = 'sst_add' and step_slug = 'approve'), 3600,
  'with its timeout');
select throws_ok($$ select pgflow.add_step('sst_add', 's2', step_type => 'signal', max_attempts => 2) $$,
  '22023', 'signal step "s2" takes no max_attempts', 'max_attempts is an error');
select throws_ok($$ select pgflow.add_step('sst_add', 's2', step_type => 'signal', base_delay => 2) $$,
  '22023', 'signal step "s2" takes no base_delay', 'base_delay is an error');
select throws_ok($$ select pgflow.add_step('sst_add', 's2', step_type => 'signal', start_delay => 2) $$,
  '22023', 'signal step "s2" takes no start_delay', 'start_delay is an error');
select is(pgflow.get_flow_shape('sst_add') -> 'steps' -> 1,
  '{"slug": "approve", "type": "signal", "deps": ["a"]}'::jsonb, 'the shape names its type');
select lives_ok($$ select pgflow.ensure_flow('sst_shape', '{"steps": [{"slug": "wait", "type": "signal"},
                                                                     {"slug": "go", "deps": ["wait"]}]}') $$,
  'ensure_flow takes signal steps');

select * from finish();
rollback;
