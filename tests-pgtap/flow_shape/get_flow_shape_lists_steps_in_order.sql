begin;
select plan(4);

-- Steps in step_index order, deps sorted, options left out.
select pgflow.create_flow('fs_get', max_attempts => 7);
select pgflow.add_step('fs_get', 'z');
select pgflow.add_step('fs_get', 'a', timeout => 5);
select pgflow.add_step('fs_get', 'j', array['z', 'a'], start_delay => 3);
select pgflow.add_step('fs_get', 'm', array['j'], step_type => 'map');

select is(pgflow.get_flow_shape('fs_get'),
  '{"steps": [{"slug": "z", "type": "single", "deps": []},
              {"slug": "a", "type": "single", "deps": []},
              {"slug": "j", "type": "single", "deps": ["a", "z"]},
              {"slug": "m", "type": "map", "deps": ["j"]}]}'::jsonb,
  'steps in the order they were added, deps sorted, no options');
select pgflow.create_flow('fs_get_empty');
select is(pgflow.get_flow_shape('fs_get_empty'), '{"steps": []}'::jsonb, 'a flow without steps has an empty steps array');

select throws_ok($$ select pgflow.get_flow_shape('fs_get_nope') $$,
  '42704', 'flow "fs_get_nope" does not exist', 'an unknown flow is undefined_object');
select throws_ok($$ select pgflow.get_flow_shape(null) $$,
  '22004', 'flow slug must not be null', 'a null slug is null_value_not_allowed');

select * from finish();
rollback;
