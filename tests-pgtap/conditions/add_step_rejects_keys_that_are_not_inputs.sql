begin;
select plan(7);

create function pg_temp.hint_of(sql text) returns table (hint text) language plpgsql as $f$
begin
  execute sql;
  hint := null; return next;
exception when others then
  get stacked diagnostics hint = pg_exception_hint;
  return next;
end;
$f$;

select pgflow.create_flow('cd_v_key');
select pgflow.add_step('cd_v_key', 'a');
select pgflow.add_step('cd_v_key', 'b');
select pgflow.add_step('cd_v_key', 'c', array['a']);

select throws_ok($$ select pgflow.add_step('cd_v_key', 'root', run_if => '{"a": {}}') $$,
  '22023', 'run_if of step "root" refers to "a", which is neither "run" nor a dependency of the step',
  'a root step''s condition may only use run');
select is((select hint from pg_temp.hint_of($$ select pgflow.add_step('cd_v_key', 'root', run_if => '{"a": {}}') $$)),
  'The keys of a condition name the step''s input: run.', 'the hint lists the allowed keys: run');
select throws_ok($$ select pgflow.add_step('cd_v_key', 'd', array['c', 'b'], run_unless => '{"run": {}, "a": 1}') $$,
  '22023', 'run_unless of step "d" refers to "a", which is neither "run" nor a dependency of the step',
  'a transitive dependency is no key of the input');
select is((select hint from pg_temp.hint_of($$ select pgflow.add_step('cd_v_key', 'd', array['c', 'b'], run_if => '{"x": 1}') $$)),
  'The keys of a condition name the step''s input: run, b, c.', 'the hint lists run and the direct dependencies');
select throws_ok($$ select pgflow.add_step('cd_v_key', 'd', array['c'], run_if => '{"RUN": {}}') $$,
  '22023', 'run_if of step "d" refers to "RUN", which is neither "run" nor a dependency of the step',
  'keys are case-sensitive');
select lives_ok($$ select pgflow.add_step('cd_v_key', 'd', array['c', 'b'], run_if => '{"run": {}, "b": 1, "c": [1]}',
                                          run_unless => '{}') $$,
  'run and direct dependencies are accepted, and {} (always contained) too');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'cd_v_key'), 4, 'only d was added');

select * from finish();
rollback;
