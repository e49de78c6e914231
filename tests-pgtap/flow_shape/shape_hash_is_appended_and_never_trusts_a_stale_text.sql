begin;
select plan(7);

-- add_step appends the new step's shape to the flow's shape text kept in the
-- session (pgflow.shape_text) instead of rebuilding the shape: the hash must
-- be the hash of the shape built from the steps whatever that setting holds.
create function pg_temp.hash_ok(flow text) returns boolean language sql as $$
  select shape_hash = encode(sha256(convert_to(pgflow.get_flow_shape(flow)::text, 'UTF8')), 'hex')
    from pgflow.flows where flow_slug = flow
$$;

select pgflow.create_flow('fs_app');
select pgflow.add_step('fs_app', 'a');
select pgflow.add_step('fs_app', 'b', array['a'], run_if => '{"a": {"ok": true}}');
select pgflow.add_step('fs_app', 'c', array['a', 'b'], step_type => 'single');
select pgflow.add_step('fs_app', 'd', array['c'], step_type => 'map');
select ok(pg_temp.hash_ok('fs_app'), 'steps appended one by one: the hash of the whole shape');

-- a text kept for another flow is not appended to
select pgflow.create_flow('fs_app_other');
select pgflow.add_step('fs_app_other', 'x');
select pgflow.add_step('fs_app', 'e', array['d']);
select ok(pg_temp.hash_ok('fs_app'), 'after another flow''s add_step in between');

-- a forged text under the flow's name is not appended to
select set_config('pgflow.shape_text', E'fs_app\n{"steps": [{"deps": [], "slug": "forged", "type": "single"}]}', false);
select pgflow.add_step('fs_app', 'f', array['e']);
select ok(pg_temp.hash_ok('fs_app'), 'after a forged pgflow.shape_text');
select ok(position('"f"' in current_setting('pgflow.shape_text')) > 0
          and position('forged' in current_setting('pgflow.shape_text')) = 0,
  'and the kept text is the real shape again');

-- nor a text that is not a shape at all
select set_config('pgflow.shape_text', 'nonsense', false);
select pgflow.add_step('fs_app', 'g', array['f']);
select ok(pg_temp.hash_ok('fs_app'), 'after a pgflow.shape_text that is no shape');

-- a rolled back add_step leaves the kept text as it was (settings are transactional)
savepoint before_h;
select pgflow.add_step('fs_app', 'h', array['g']);
rollback to savepoint before_h;
select pgflow.add_step('fs_app', 'h2', array['g']);
select ok(pg_temp.hash_ok('fs_app'), 'after a rolled back add_step');

-- a chain of 300 steps: the same hash as building the shape from the steps
select pgflow.create_flow('fs_app_long');
select count(*) from generate_series(1, 300) as i,
  lateral pgflow.add_step('fs_app_long', 's' || i, case when i = 1 then '{}'::text[] else array['s' || (i - 1)] end) as x;
select ok(pg_temp.hash_ok('fs_app_long'), 'a chain of 300 steps added in one statement');

select * from finish();
rollback;
