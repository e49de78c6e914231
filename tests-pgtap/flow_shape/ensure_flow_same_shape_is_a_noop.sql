begin;
select plan(6);

select pgflow.ensure_flow('fs_again', '{"steps": [{"slug": "a"}, {"slug": "b", "deps": ["a"], "options": {"timeout": 5}}]}',
                          max_attempts => 2);
select created_at as c0, shape_hash as h0 from pgflow.flows where flow_slug = 'fs_again' \gset
select run_id as rid from pgflow.start_flow('fs_again', '{}') \gset

-- The same shape, written differently (defaults spelled out, other options):
-- nothing changes, the flow row comes back.
select results_eq($$ select flow_slug, opt_max_attempts, shape_hash
                       from pgflow.ensure_flow('fs_again', '{"steps": [{"slug": "a", "type": "single", "deps": []},
                                                 {"slug": "b", "deps": ["a"], "options": {"timeout": 60, "max_attempts": 9}}]}',
                                               max_attempts => 8) $$,
  format($$ values ('fs_again', 2, %L) $$, :'h0'),
  'the same shape again returns the flow as it is, even with runs');
select is((select opt_timeout from pgflow.steps where flow_slug = 'fs_again' and step_slug = 'b'), 5,
  'options given again are not applied (set_step_options changes them)');
select is((select opt_max_attempts from pgflow.flows where flow_slug = 'fs_again'), 2, 'nor the flow''s');
select is((select created_at from pgflow.flows where flow_slug = 'fs_again'), :'c0'::timestamptz, 'the flow row is untouched');
select is((select count(*)::int from pgflow.steps where flow_slug = 'fs_again'), 2, 'no step is added');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'the run''s invariants hold');

select * from finish();
rollback;
