begin;
select plan(5);

select pgflow.create_flow('sd_mixed');
select pgflow.add_step('sd_mixed', 'root');
select pgflow.add_step('sd_mixed', 'd5', array['root'], start_delay => 5);
select pgflow.add_step('sd_mixed', 'd20', array['root'], start_delay => 20);
select pgflow.add_step('sd_mixed', 'd0', array['root']);
select pgflow.add_step('sd_mixed', 'd5b', array['root'], start_delay => 5);
select run_id as rid from pgflow.start_flow('sd_mixed', '{}') \gset
select pgflow_tests.read_and_start('sd_mixed');
select pgflow.complete_task(:'rid', 'root', 0, '{}');

create temp table sd_vt as
  select t.step_slug, q.vt - clock_timestamp() as delay, q.message ->> 'step_slug' as msg_step
    from pgflow.step_tasks as t join pgmq.q_sd_mixed as q on q.msg_id = t.message_id
   where t.run_id = :'rid' and t.step_slug <> 'root';
select ok((select delay between interval '-1 s' and interval '0.01 s' from sd_vt where step_slug = 'd0'), 'd0: at once');
select ok((select bool_and(delay between interval '4 s' and interval '5.01 s') from sd_vt where step_slug in ('d5', 'd5b')),
  'd5 and d5b: 5 s');
select ok((select delay between interval '19 s' and interval '20.01 s' from sd_vt where step_slug = 'd20'), 'd20: 20 s');
select ok((select bool_and(msg_step = step_slug) from sd_vt), 'each task has its own message');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
