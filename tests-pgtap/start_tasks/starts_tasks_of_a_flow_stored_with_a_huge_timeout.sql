-- 0.2.6 let a timeout up to 2147483647 in; then timeout + 2 overflowed and
-- start_tasks failed (22003) for every message of the flow, so its runs never
-- moved. Rows left so by 0.2.6 (set here by hand) still start: the timeout is
-- read as 2147483645, the lease is 2147483647 seconds, and an expired lease is
-- still taken over.
begin;
select plan(5);

select pgflow.create_flow('st_huge');
select pgflow.add_step('st_huge', 'a');
select pgflow.add_step('st_huge', 'b');
update pgflow.flows set opt_timeout = 2147483647 where flow_slug = 'st_huge';
update pgflow.steps set opt_timeout = 2147483646 where flow_slug = 'st_huge' and step_slug = 'b';
select run_id as rid from pgflow.start_flow('st_huge', '{}') \gset

create temp table got as select * from pgflow_tests.read_and_start('st_huge');
select results_eq($$ select step_slug, timeout, attempts_count from got order by step_slug $$,
  $$ values ('a'::text, 2147483645, 1), ('b', 2147483645, 1) $$,
  'both tasks start, with the timeout read as 2147483645');
select ok((select bool_and(q.vt between clock_timestamp() + interval '2147483600 s' and clock_timestamp() + interval '2147483647 s')
             from pgmq.q_st_huge as q join got as g on g.msg_id = q.msg_id),
  'their messages are hidden for the lease, 2147483647 seconds');

-- a worker that died a century ago: its lease ran out
update pgflow.step_tasks set started_at = started_at - interval '100 years' where run_id = :'rid' and step_slug = 'a';
select pgflow_tests.make_visible('st_huge');
select results_eq($$ select step_slug, attempts_count from pgflow_tests.read_and_start('st_huge') $$,
  $$ values ('a'::text, 2) $$, 'an expired lease is taken over as attempt 2; the live one is not');
select results_eq(format($$ select status from pgflow.runs where run_id = %L $$, :'rid'), $$ values ('started'::text) $$,
  'the run goes on');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
