begin;
select plan(6);

select results_eq($$ select flow_slug, opt_max_attempts, opt_base_delay, opt_timeout, shape_hash is not null
                       from pgflow.ensure_flow('fs_new', '{"steps": [
                         {"slug": "a"},
                         {"slug": "b", "type": "single", "deps": ["a"], "options": {"max_attempts": 5, "base_delay": 2, "timeout": 30, "start_delay": 4}},
                         {"slug": "c", "type": "map", "deps": ["a"], "options": {"timeout": 7}}]}',
                         max_attempts => 2, timeout => 90) $$,
  $$ values ('fs_new', 2, 1, 90, true) $$,
  'the flow is created with the given options (base_delay left out: its default) and a shape_hash');
select results_eq($$ select step_slug, step_type, step_index, opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
                       from pgflow.steps where flow_slug = 'fs_new' order by step_index $$,
  $$ values ('a', 'single', 0, null::int, null::int, null::int, null::int),
            ('b', 'single', 1, 5, 2, 30, 4),
            ('c', 'map', 2, null, null, 7, null) $$,
  'every step in order, with its options');
select results_eq($$ select dep_slug, step_slug from pgflow.deps where flow_slug = 'fs_new' order by step_slug $$,
  $$ values ('a', 'b'), ('a', 'c') $$, 'and its dependencies');
select ok(exists (select from pgmq.meta where queue_name = 'fs_new'), 'the queue is created');
select is((select shape_hash from pgflow.flows where flow_slug = 'fs_new'),
          encode(sha256(convert_to(pgflow.get_flow_shape('fs_new')::text, 'UTF8')), 'hex'),
  'the stored hash is the hash of the new shape');
select is((pgflow.ensure_flow('fs_new_empty', '{"steps": []}')).opt_max_attempts, 3,
  'a flow without steps, options left out: create_flow''s defaults');

select * from finish();
rollback;
