begin;
select plan(5);

-- The hash depends on the steps only: not on the flow slug, the options, or
-- how the flow was defined (create_flow + add_step or ensure_flow).
select pgflow.create_flow('fs_same_a', max_attempts => 1, timeout => 9);
select pgflow.add_step('fs_same_a', 'fetch');
select pgflow.add_step('fs_same_a', 'parse', array['fetch'], max_attempts => 5);
select pgflow.add_step('fs_same_a', 'each', array['parse'], step_type => 'map');
select pgflow.ensure_flow('fs_same_b', '{"steps": [
  {"slug": "fetch"},
  {"slug": "parse", "deps": ["fetch"], "options": {"timeout": 3}},
  {"slug": "each", "type": "map", "deps": ["parse"]}]}');

select isnt((select shape_hash from pgflow.flows where flow_slug = 'fs_same_a'), null, 'a flow has a shape_hash');
select is((select shape_hash from pgflow.flows where flow_slug = 'fs_same_a'),
          (select shape_hash from pgflow.flows where flow_slug = 'fs_same_b'),
  'two flows with the same steps have the same hash, whatever their options');
select is((select shape_hash from pgflow.flows where flow_slug = 'fs_same_a'),
          encode(sha256(convert_to(pgflow.get_flow_shape('fs_same_a')::text, 'UTF8')), 'hex'),
  'the hash is the hex sha256 of the shape''s jsonb text');
-- The same in any database: the text of a shape does not depend on the database.
select is(pgflow.get_flow_shape('fs_same_a')::text,
  '{"steps": [{"deps": [], "slug": "fetch", "type": "single"}, {"deps": ["fetch"], "slug": "parse", "type": "single"}, {"deps": ["parse"], "slug": "each", "type": "map"}]}',
  'the shape''s text is canonical (jsonb key order, fixed spacing)');
select pgflow.create_flow('fs_same_empty');
select is((select shape_hash from pgflow.flows where flow_slug = 'fs_same_empty'),
          encode(sha256(convert_to('{"steps": []}', 'UTF8')), 'hex'),
  'a flow without steps has the hash of {"steps": []}');

select * from finish();
rollback;
