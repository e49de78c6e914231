begin;
select plan(3);

-- step_type 'map': over the run input (no dependency) or one step's output.
select pgflow.create_flow('as_map');
select results_eq($$ select step_type, deps_count from pgflow.add_step('as_map', 'root_map', step_type => 'map') $$,
  $$ values ('map'::text, 0) $$, 'a root map step');
select pgflow.add_step('as_map', 'list');
select results_eq($$ select step_type, deps_count from pgflow.add_step('as_map', 'each', array['list'], step_type => 'map') $$,
  $$ values ('map'::text, 1) $$, 'a map step over one dependency');
select results_eq($$ select step_slug, step_type from pgflow.steps where flow_slug = 'as_map' order by step_index $$,
  $$ values ('root_map'::text, 'map'::text), ('list', 'single'), ('each', 'map') $$, 'step_type is stored');

select * from finish();
rollback;
