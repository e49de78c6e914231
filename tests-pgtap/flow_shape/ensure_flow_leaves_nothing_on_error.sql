begin;
select plan(6);

-- A new flow whose last step is invalid (add_step refuses it): nothing of it
-- is left, not the flow, its first steps, nor its queue.
select throws_ok($$ select pgflow.ensure_flow('fs_half', '{"steps": [{"slug": "a"}, {"slug": "b", "deps": ["a"]}, {"slug": "c", "deps": ["nope"]}]}') $$,
  '23503', 'insert or update on table "deps" violates foreign key constraint "deps_flow_slug_dep_slug_fkey"',
  'add_step''s own validation refuses the bad step');
select ok(not exists (select from pgflow.flows where flow_slug = 'fs_half'), 'no flow is left');
select ok(not exists (select from pgflow.steps where flow_slug = 'fs_half'), 'no step is left');
select ok(not exists (select from pgmq.meta where queue_name = 'fs_half'), 'no queue is left');

select throws_ok($$ select pgflow.ensure_flow('fs_half', '{"steps": [{"slug": "m", "type": "map", "deps": ["x", "y"]}]}') $$,
  '22023', 'Map step "m" can have at most one dependency, but 2 were provided: x, y', 'a map step with two deps');
select throws_ok($$ select pgflow.ensure_flow('fs_half', '{"steps": [{"slug": "a", "options": {"timeout": 0}}]}') $$,
  '22023', 'timeout must be at least 1, got 0', 'an option out of range');

select * from finish();
rollback;
