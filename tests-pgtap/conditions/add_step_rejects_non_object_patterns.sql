begin;
select plan(6);

select pgflow.create_flow('cd_v_obj');
select pgflow.add_step('cd_v_obj', 'a');
select throws_ok($$ select pgflow.add_step('cd_v_obj', 'b', array['a'], run_if => '[{"a": 1}]') $$,
  '22023', 'run_if of step "b" must be a JSON object, got array', 'an array run_if is refused');
select throws_ok($$ select pgflow.add_step('cd_v_obj', 'b', array['a'], run_unless => '"a"') $$,
  '22023', 'run_unless of step "b" must be a JSON object, got string', 'a string run_unless is refused');
select throws_ok($$ select pgflow.add_step('cd_v_obj', 'b', run_if => 'null') $$,
  '22023', 'run_if of step "b" must be a JSON object, got null', 'JSON null is refused (SQL null means no condition)');
select throws_ok($$ select pgflow.add_step('cd_v_obj', 'b', run_if => '1') $$,
  '22023', 'run_if of step "b" must be a JSON object, got number', 'a number is refused');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'cd_v_obj'), 1, 'no step was added');
create function pg_temp.hint_of(sql text) returns table (hint text) language plpgsql as $f$
begin
  execute sql;
  hint := null; return next;
exception when others then
  get stacked diagnostics hint = pg_exception_hint;
  return next;
end;
$f$;
select is((select hint from pg_temp.hint_of($$ select pgflow.add_step('cd_v_obj', 'b', run_if => '[]') $$)),
  'A condition is a pattern the step''s input must contain, such as {"run": {"plan": "pro"}}.',
  'the hint shows what a condition looks like');

select * from finish();
rollback;
