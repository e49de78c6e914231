begin;
select plan(9);

select pgflow.create_flow('so_flow', max_attempts => 3, base_delay => 1, timeout => 60);
select pgflow.add_step('so_flow', 'a');
select shape_hash as h0 from pgflow.flows where flow_slug = 'so_flow' \gset
select run_id as rid from pgflow.start_flow('so_flow', '{}') \gset

select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.set_flow_options('so_flow', timeout => 5) $$,
  $$ values (3, 1, 5) $$, 'only the given option changes, while a run exists');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.set_flow_options('so_flow', 0, 0) $$,
  $$ values (0, 0, 5) $$, 'the smallest values are accepted');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout from pgflow.set_flow_options('so_flow') $$,
  $$ values (0, 0, 5) $$, 'no option given changes nothing');
select is((select shape_hash from pgflow.flows where flow_slug = 'so_flow'), :'h0'::text, 'the shape_hash stays');

select throws_ok($$ select pgflow.set_flow_options('so_flow', max_attempts => -1) $$,
  '22023', 'max_attempts must be at least 0, got -1', 'max_attempts below 0');
select throws_ok($$ select pgflow.set_flow_options('so_flow', timeout => 0) $$,
  '22023', 'timeout must be at least 1, got 0', 'timeout below 1');
select throws_ok($$ select pgflow.set_flow_options('so_nope', timeout => 3) $$,
  '42704', 'flow "so_nope" does not exist', 'an unknown flow');
select throws_ok($$ select pgflow.set_flow_options(null, timeout => 3) $$,
  '22004', 'flow slug must not be null', 'a null flow slug');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'the run''s invariants hold');

select * from finish();
rollback;
