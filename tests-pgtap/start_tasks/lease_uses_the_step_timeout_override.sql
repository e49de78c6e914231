begin;
select plan(4);

select pgflow.create_flow('st_lease_step', timeout => 10);
select pgflow.add_step('st_lease_step', 'slow', timeout => 300);
select pgflow.add_step('st_lease_step', 'fast');
select run_id as rid from pgflow.start_flow('st_lease_step', '{}') \gset
create temp table st_got as select * from pgflow_tests.read_and_start('st_lease_step');

select results_eq($$ select step_slug, timeout from st_got order by step_slug $$,
  $$ values ('fast'::text, 10), ('slow', 300) $$, 'each record carries its step''s timeout');
select ok((select q.vt between clock_timestamp() + interval '300 s' and clock_timestamp() + interval '302.01 s'
             from pgmq.q_st_lease_step as q join st_got as g on g.msg_id = q.msg_id where g.step_slug = 'slow'),
  'the override''s lease is 302 s');
select ok((select q.vt between clock_timestamp() + interval '10 s' and clock_timestamp() + interval '12.01 s'
             from pgmq.q_st_lease_step as q join st_got as g on g.msg_id = q.msg_id where g.step_slug = 'fast'),
  'the other step''s lease is the flow''s 12 s');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after start_tasks');

select * from finish();
rollback;
