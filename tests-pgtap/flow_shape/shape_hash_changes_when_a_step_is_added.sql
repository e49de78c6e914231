begin;
select plan(4);

select pgflow.create_flow('fs_grow');
select shape_hash as h0 from pgflow.flows where flow_slug = 'fs_grow' \gset
select pgflow.add_step('fs_grow', 'a');
select shape_hash as h1 from pgflow.flows where flow_slug = 'fs_grow' \gset
select isnt(:'h1'::text, :'h0'::text, 'adding a step changes the hash');
select pgflow.add_step('fs_grow', 'a');
select is((select shape_hash from pgflow.flows where flow_slug = 'fs_grow'), :'h1'::text, 'adding the same step again does not');
select pgflow.add_step('fs_grow', 'b', array['a']);
select isnt((select shape_hash from pgflow.flows where flow_slug = 'fs_grow'), :'h1'::text, 'adding a dependent step changes it again');
select is((select shape_hash from pgflow.flows where flow_slug = 'fs_grow'),
          encode(sha256(convert_to(pgflow.get_flow_shape('fs_grow')::text, 'UTF8')), 'hex'),
  'and it stays the hash of the current shape');

select * from finish();
rollback;
