begin;
select plan(6);

-- get_run_with_states( run_id ): {"run": <runs row>, "steps": [<step_states rows>]}.
select pgflow.create_flow('grs_shape');
select pgflow.add_step('grs_shape', 'a');
select pgflow.add_step('grs_shape', 'b', array['a']);
select run_id as rid from pgflow.start_flow('grs_shape', '{"x": 1}') \gset
select pgflow.get_run_with_states(:'rid') as doc \gset

select is((select array_agg(k order by k) from jsonb_object_keys(:'doc'::jsonb) as k), array['run', 'steps'],
  'the document has exactly the keys run and steps');
select is(:'doc'::jsonb -> 'run', (select to_jsonb(r) from pgflow.runs as r where r.run_id = :'rid'),
  'run is the runs row');
select is(jsonb_array_length(:'doc'::jsonb -> 'steps'), 2, 'one entry per step');
select is(:'doc'::jsonb -> 'steps',
  (select jsonb_agg(to_jsonb(ss) order by ss.step_slug) from pgflow.step_states as ss where ss.run_id = :'rid'),
  'steps are the step_states rows');
select is(jsonb_path_query_array(:'doc'::jsonb, '$.steps[*].status'), '["started", "created"]'::jsonb,
  'the root step is started, its dependent created');
select is(pgflow.get_run_with_states(run_id => :'rid'), :'doc'::jsonb, 'run_id by name');

select * from finish();
rollback;
