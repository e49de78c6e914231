begin;
select plan(20);

select throws_ok($$ select pgflow.ensure_flow(null, '{"steps": []}') $$, '22004', 'flow slug must not be null', 'null slug');
select throws_ok($$ select pgflow.ensure_flow('bad-slug', '{"steps": []}') $$, '23514', null, 'invalid slug');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', null) $$, '22004', 'shape must not be null', 'null shape');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '[]') $$,
  '22023', 'shape must be an object with a "steps" array, got []', 'shape not an object');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": {}}') $$,
  '22023', 'shape must be an object with a "steps" array, got {"steps": {}}', 'steps not an array');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [], "step": []}') $$,
  '22023', 'shape has an unknown key "step"', 'unknown top-level key');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": ["a"]}') $$,
  '22023', 'step 1 of the shape must be an object, got "a"', 'a step that is not an object');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"type": "map"}]}') $$,
  '22023', 'step 1 of the shape needs a string "slug", got none', 'missing slug');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a"}, {"slug": 2}]}') $$,
  '22023', 'step 2 of the shape needs a string "slug", got 2', 'slug not a string');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a"}, {"slug": "a"}]}') $$,
  '22023', 'step "a" of the shape is listed twice', 'a step listed twice');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a", "dep": ["b"]}]}') $$,
  '22023', 'step "a" of the shape has an unknown key "dep"', 'unknown step key');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a", "type": "loop"}]}') $$,
  '22023', 'step "a" of the shape has an unknown type "loop"', 'unknown type');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a", "type": 1}]}') $$,
  '22023', 'step "a" of the shape has an unknown type 1', 'type not a string');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a", "deps": "b"}]}') $$,
  '22023', 'step "a" of the shape has deps "b"; deps is an array of step slugs', 'deps not an array');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a", "deps": [1]}]}') $$,
  '22023', 'step "a" of the shape has deps [1]; deps is an array of step slugs', 'deps not strings');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a", "options": 3}]}') $$,
  '22023', 'step "a" of the shape has options 3; options is an object', 'options not an object');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a", "options": {"retries": 3}}]}') $$,
  '22023', 'step "a" of the shape has an unknown option "retries"', 'unknown option');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": [{"slug": "a", "options": {"timeout": 1.5}}]}') $$,
  '22023', 'step "a" of the shape has option timeout = 1.5; options are integers', 'option not an integer');
select throws_ok($$ select pgflow.ensure_flow('fs_bad', '{"steps": []}', base_delay => -1) $$,
  '22023', 'base_delay must be at least 0, got -1', 'a flow option out of range');
select pgflow.create_flow('fs_case');
select throws_ok($$ select pgflow.ensure_flow('FS_CASE', '{"steps": []}') $$,
  '42710', 'flow slug "FS_CASE" collides with existing flow "fs_case"', 'a slug differing only in case (create_flow''s check)');

select * from finish();
rollback;
