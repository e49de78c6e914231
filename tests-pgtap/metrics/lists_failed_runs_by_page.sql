begin;
select plan(6);

-- list_failed_runs: newest first, with the step that failed and its error,
-- a page at a time (keyset on failed_at, run_id), one flow or all.
select pgflow.create_flow('mt_fail', max_attempts => 1);
select pgflow.add_step('mt_fail', 'a');
select pgflow.add_step('mt_fail', 'b', array['a']);
select pgflow.create_flow('mt_fail_other', max_attempts => 1);
select pgflow.add_step('mt_fail_other', 'x');
create temporary table failed_runs as
select (pgflow.start_flow('mt_fail', jsonb_build_object('i', i))).run_id, i from generate_series(1, 3) as i;
select pgflow_tests.run_task(run_id, 'a', '{}') from failed_runs;
select count(*) from pgflow_tests.read_and_start('mt_fail');
select count(*) from failed_runs as f, pgflow.fail_task(f.run_id, 'b', 0, 'boom ' || f.i);
select count(*) from pgflow.start_flow('mt_fail_other', '{}');
select count(*) from pgflow_tests.read_and_start('mt_fail_other');
select count(*) from pgflow.step_tasks as t, pgflow.fail_task(t.run_id, 'x', 0, 'other flow')
 where t.flow_slug = 'mt_fail_other' and t.status = 'started';
-- failed one second apart, run 3 last
update pgflow.runs as r set failed_at = r.started_at + make_interval(secs => (r.input ->> 'i')::integer)
 where r.flow_slug = 'mt_fail';

select results_eq($$ select step_slug, error_message from pgflow.list_failed_runs('mt_fail') $$,
  $$ values ('b', 'boom 3'), ('b', 'boom 2'), ('b', 'boom 1') $$,
  'newest first, each with its failing step and error');
select results_eq($$ select error_message from pgflow.list_failed_runs('mt_fail', max_rows => 2) $$,
  $$ values ('boom 3'), ('boom 2') $$, 'a first page of two');
select results_eq(format($$ select error_message from pgflow.list_failed_runs('mt_fail', %L, %L, 2) $$,
                         (select failed_at from pgflow.list_failed_runs('mt_fail', max_rows => 2) offset 1),
                         (select run_id from pgflow.list_failed_runs('mt_fail', max_rows => 2) offset 1)),
  $$ values ('boom 1') $$, 'the next page starts after the last row');
select ok((select count(*) from pgflow.list_failed_runs() where flow_slug in ('mt_fail', 'mt_fail_other')) = 4,
  'every flow when no flow is named');
select is((select error_message from pgflow.list_failed_runs('mt_fail_other')), 'other flow', 'the other flow''s');
select is_empty($$ select r.run_id, i.* from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i
                    where r.flow_slug in ('mt_fail', 'mt_fail_other') $$, 'invariants hold');

select * from finish();
rollback;
