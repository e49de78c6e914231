begin;
select plan(4);

-- The document follows the run: after the run completes it shows its output.
select pgflow.create_flow('grs_prog');
select pgflow.add_step('grs_prog', 'a');
select pgflow.add_step('grs_prog', 'b', array['a']);
select run_id as rid from pgflow.start_flow('grs_prog', '{}') \gset
select pgflow_tests.drive('grs_prog', '{"a": {"n": 1}, "b": {"n": 2}}');
select pgflow.get_run_with_states(:'rid') as doc \gset

select is(:'doc'::jsonb #>> '{run,status}', 'completed', 'the run is completed');
select is(:'doc'::jsonb #> '{run,output}', '{"b": {"n": 2}}'::jsonb, 'with its output');
select is(jsonb_path_query_array(:'doc'::jsonb, '$.steps[*].output'), '[{"n": 1}, {"n": 2}]'::jsonb,
  'each step state shows its output');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
