-- A step's condition (run_if, run_unless, when_unmet) is part of the flow's
-- shape: ensure_flow creates steps with it, the same condition again is a
-- no-op, another one is a listed difference; when_unmet counts only with a
-- condition (and defaults to skip).
begin;
select plan(8);

select pgflow.ensure_flow('fs_cond', '{"steps": [
  {"slug": "a"},
  {"slug": "b", "deps": ["a"], "run_if": {"a": {"ok": true}}},
  {"slug": "c", "deps": ["a"], "run_unless": {"run": {"x": 1}}, "when_unmet": "fail"},
  {"slug": "d", "deps": ["a"], "when_unmet": "fail"}
]}');

select results_eq($$ select step_slug, run_if, run_unless, when_unmet from pgflow.steps where flow_slug = 'fs_cond' order by step_index $$,
  $$ values ('a', null::jsonb, null::jsonb, 'skip'), ('b', '{"a": {"ok": true}}', null, 'skip'),
            ('c', null, '{"run": {"x": 1}}', 'fail'), ('d', null, null, 'skip') $$,
  'ensure_flow creates each step with its condition');
select is(pgflow.get_flow_shape('fs_cond') -> 'steps' -> 1,
  '{"slug": "b", "type": "single", "deps": ["a"], "run_if": {"a": {"ok": true}}, "when_unmet": "skip"}'::jsonb,
  'the shape carries run_if and the default when_unmet');
select is(pgflow.get_flow_shape('fs_cond') -> 'steps' -> 3, '{"slug": "d", "type": "single", "deps": ["a"]}'::jsonb,
  'a step without a condition has no when_unmet in its shape');
select is((select shape_hash from pgflow.flows where flow_slug = 'fs_cond'),
  pgflow._shape_hash(pgflow.get_flow_shape('fs_cond')), 'the stored hash is the shape''s');

select lives_ok($$ select pgflow.ensure_flow('fs_cond', '{"steps": [
  {"slug": "a"},
  {"slug": "b", "deps": ["a"], "run_if": {"a": {"ok": true}}, "when_unmet": "skip"},
  {"slug": "c", "deps": ["a"], "run_unless": {"run": {"x": 1}}, "when_unmet": "fail"},
  {"slug": "d", "deps": ["a"]}
]}') $$, 'the same conditions again (when_unmet spelled out or left out where it means nothing) are a no-op');

select throws_ok($$ select pgflow.ensure_flow('fs_cond', '{"steps": [
  {"slug": "a"},
  {"slug": "b", "deps": ["a"], "run_if": {"a": {"ok": false}}},
  {"slug": "c", "deps": ["a"], "run_unless": {"run": {"x": 1}}, "when_unmet": "skip_cascade"},
  {"slug": "d", "deps": ["a"]}
]}') $$, '42710', null, 'another condition is a different shape');
create function pg_temp.error_of(sql text) returns text language plpgsql as $$
begin
  execute sql;
  return null;
exception when others then
  return sqlerrm;
end $$;
select alike(pg_temp.error_of($q$ select pgflow.ensure_flow('fs_cond', '{"steps": [
  {"slug": "a"},
  {"slug": "b", "deps": ["a"], "run_if": {"a": {"ok": false}}},
  {"slug": "c", "deps": ["a"], "run_unless": {"run": {"x": 1}}, "when_unmet": "skip_cascade"},
  {"slug": "d", "deps": ["a"]}
]}') $q$), '%step "b" run_if changed: {"a": {"ok": true}} -> {"a": {"ok": false}}%step "c" when_unmet changed: fail -> skip_cascade%',
  'the error lists each changed condition');
select throws_like($$ select pgflow.ensure_flow('fs_cond', '{"steps": [{"slug": "a", "when_unmet": "maybe"}]}') $$,
  '%unknown when_unmet "maybe"%', 'an unknown when_unmet is refused');

select * from finish();
rollback;
