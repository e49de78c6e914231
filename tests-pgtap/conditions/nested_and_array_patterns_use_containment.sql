begin;
select plan(9);

-- run_if is JSONB containment (@>): nested objects match partially, an array
-- pattern matches when every element of it is in the input's array.
select pgflow.create_flow('cd_nest');
select pgflow.add_step('cd_nest', 'nested', run_if => '{"run": {"user": {"address": {"country": "DE"}}}}');
select pgflow.add_step('cd_nest', 'tags', run_if => '{"run": {"tags": ["a", "b"]}}');
select pgflow.add_step('cd_nest', 'num', run_if => '{"run": {"n": 1}}');

create temp table cases (n int, input jsonb);
insert into cases values
  (1, '{"user": {"name": "x", "address": {"country": "DE", "city": "B"}}, "tags": ["c", "b", "a"], "n": 1}'),
  (2, '{"user": {"address": {"country": "FR"}}, "tags": ["a"], "n": 1.0}'),
  (3, '{"user": "DE", "tags": "a", "n": "1"}'),
  (4, '{"tags": ["a", ["b"]], "n": [1]}');
create temp table runs as select c.n, (pgflow.start_flow('cd_nest', c.input)).run_id from cases as c;

select results_eq($$ select ss.step_slug, ss.status from pgflow.step_states as ss join runs using (run_id)
                     where runs.n = 1 order by ss.step_slug $$,
  $$ values ('nested'::text, 'started'::text), ('num', 'started'), ('tags', 'started') $$,
  'a superset matches: extra keys, extra array elements in any order');
select results_eq($$ select ss.step_slug, ss.status from pgflow.step_states as ss join runs using (run_id)
                     where runs.n = 2 order by ss.step_slug $$,
  $$ values ('nested'::text, 'skipped'::text), ('num', 'started'), ('tags', 'skipped') $$,
  'another nested value or a missing array element does not match; 1.0 equals 1');
select results_eq($$ select ss.step_slug, ss.status from pgflow.step_states as ss join runs using (run_id)
                     where runs.n = 3 order by ss.step_slug $$,
  $$ values ('nested'::text, 'skipped'::text), ('num', 'skipped'), ('tags', 'skipped') $$,
  'values of another JSON type do not match (a string is not an object, an array or a number)');
select results_eq($$ select ss.step_slug, ss.status from pgflow.step_states as ss join runs using (run_id)
                     where runs.n = 4 order by ss.step_slug $$,
  $$ values ('nested'::text, 'skipped'::text), ('num', 'skipped'), ('tags', 'skipped') $$,
  'a nested array is not its element; a number is not an array holding it');
select is((select count(*)::integer from pgflow.step_states as ss join runs using (run_id)
            where ss.status = 'skipped' and ss.skip_reason = 'condition_unmet'), 8, 'every skip says condition_unmet');
select is_empty($$ select i from runs, pgflow_tests.invariants(runs.run_id) as i where runs.n = 1 $$, 'invariants hold (1)');
select is_empty($$ select i from runs, pgflow_tests.invariants(runs.run_id) as i where runs.n = 2 $$, 'invariants hold (2)');
select is_empty($$ select i from runs, pgflow_tests.invariants(runs.run_id) as i where runs.n = 3 $$, 'invariants hold (3)');
select is_empty($$ select i from runs, pgflow_tests.invariants(runs.run_id) as i where runs.n = 4 $$, 'invariants hold (4)');

select * from finish();
rollback;
