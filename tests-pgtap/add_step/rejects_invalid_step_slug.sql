-- An invalid step slug raises what upstream pgflow 0.8.1's steps table raises
-- (check_violation, its constraint's name: its callers match the text); the
-- detail names the slug and the hint says what a slug is.
begin;
select plan(9);

create function pg_temp.error_of(sql text) returns jsonb language plpgsql as $f$
declare v_state text; v_detail text; v_hint text; v_constraint text; v_table text; v_schema text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_detail = pg_exception_detail, v_hint = pg_exception_hint,
                          v_constraint = constraint_name, v_table = table_name, v_schema = schema_name;
  return jsonb_build_object('sqlstate', v_state, 'detail', v_detail, 'hint', v_hint,
                            'constraint', v_constraint, 'table', v_table, 'schema', v_schema);
end $f$;

select pgflow.create_flow('as_slug');
select throws_ok($$ select pgflow.add_step('as_slug', '2nd') $$, '23514',
  'new row for relation "steps" violates check constraint "steps_step_slug_check"', 'leading digit');
select is(pg_temp.error_of($$ select pgflow.add_step('as_slug', 'send-email') $$),
  jsonb_build_object('sqlstate', '23514', 'detail', 'invalid step slug "send-email"',
                     'hint', 'Slugs match ^[a-zA-Z_][a-zA-Z0-9_]*$ and are at most 128 characters.',
                     'constraint', 'steps_step_slug_check', 'table', 'steps', 'schema', 'pgflow'),
  'dash: the detail names the slug, the hint says what a slug is, constraint and table are upstream''s');
select is(pg_temp.error_of($$ select pgflow.add_step('as_slug', '') $$) ->> 'detail', 'invalid step slug ""', 'empty');
select is(pg_temp.error_of(format('select pgflow.add_step(%L, %L)', 'as_slug', repeat('s', 129))) ->> 'detail',
  format('invalid step slug "%s"', repeat('s', 129)), '129 characters');
select lives_ok(format('select pgflow.add_step(%L, %L)', 'as_slug', repeat('s', 128)),
  '128 characters is a valid step slug (the 47 limit is for flows only)');
select is(pg_temp.error_of(format('select pgflow.add_step(%L, %L)', 'as_slug', repeat('s', 500))) ->> 'detail',
  format('invalid step slug "%s"', repeat('s', 200)), 'a long slug is cut to 200 characters in the detail');
select throws_ok($$ select pgflow.add_step('as_slug', null) $$, '22004', 'step slug must not be null', 'null');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'as_slug'), 1, 'only the valid step was added');
select is_empty($$ select * from pgflow.check_invariants() $$, 'invariants hold');

select * from finish();
rollback;
