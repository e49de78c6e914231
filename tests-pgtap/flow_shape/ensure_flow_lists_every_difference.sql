begin;
select plan(5);

select pgflow.ensure_flow('fs_drift', '{"steps": [
  {"slug": "a"}, {"slug": "b", "deps": ["a"]}, {"slug": "c", "type": "map", "deps": ["a"]}, {"slug": "d", "deps": ["b"]}]}');
select shape_hash as h0 from pgflow.flows where flow_slug = 'fs_drift' \gset

-- b changes deps, c changes type, d is removed, e is added: one line each.
select throws_ok($$ select pgflow.ensure_flow('fs_drift', '{"steps": [
    {"slug": "a"}, {"slug": "b", "deps": []}, {"slug": "c", "deps": ["a"]}, {"slug": "e", "deps": ["a", "b"]}]}') $$,
  '42710',
  E'flow "fs_drift" already exists with another shape:\n'
  '  step "b" deps changed: [a] -> []\n'
  '  step "c" type changed: map -> single\n'
  '  step "e" added: deps [a, b], type single\n'
  '  step "d" removed',
  'every difference on a line of its own, naming the steps');
select throws_ok($$ select pgflow.ensure_flow('fs_drift', '{"steps": [
    {"slug": "a"}, {"slug": "c", "type": "map", "deps": ["a"]}, {"slug": "b", "deps": ["a"]}, {"slug": "d", "deps": ["b"]}]}') $$,
  '42710',
  E'flow "fs_drift" already exists with another shape:\n'
  '  step order changed: a, b, c, d -> a, c, b, d',
  'the same steps in another order');
select throws_ok($$ select pgflow.ensure_flow('fs_drift', '{"steps": []}') $$,
  '42710',
  E'flow "fs_drift" already exists with another shape:\n'
  '  step "a" removed\n  step "b" removed\n  step "c" removed\n  step "d" removed',
  'every step removed');

-- The hint points to a new slug or delete_flow_and_data; the detail has both hashes.
create function pg_temp.error_of(sql text) returns text language plpgsql as $f$
declare v_detail text; v_hint text;
begin
  execute sql;
  return null;
exception when duplicate_object then
  get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
  return v_detail || ' | ' || v_hint;
end;
$f$;
select is(pg_temp.error_of($$ select pgflow.ensure_flow('fs_drift', '{"steps": [{"slug": "a"}]}') $$),
  format('shape_hash in the database %s, of the given shape %s | ', :'h0',
         encode(sha256(convert_to('{"steps": [{"deps": [], "slug": "a", "type": "single"}]}', 'UTF8')), 'hex'))
  || 'Flows are immutable: register the new shape under a new flow slug (such as "fs_drift_v2"), '
  || 'or, in development, remove the old flow with pgflow.delete_flow_and_data(''fs_drift'').',
  'detail: both hashes; hint: a new slug, or delete_flow_and_data in development');
select is((select shape_hash from pgflow.flows where flow_slug = 'fs_drift'), :'h0', 'the flow is unchanged');

select * from finish();
rollback;
