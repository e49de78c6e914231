begin;
select plan(5);

-- create_flow makes a pgmq queue named after the flow.
select pgflow.create_flow('cf_queue');
select ok(exists (select from pgmq.list_queues() where queue_name = 'cf_queue'), 'pgmq.list_queues() lists the queue');
select is((select count(*)::integer from pgmq.meta where queue_name = 'cf_queue'), 1, 'pgmq.meta has one row for it');
select has_table('pgmq', 'q_cf_queue', 'the queue table pgmq.q_cf_queue exists');
select has_table('pgmq', 'a_cf_queue', 'its archive table pgmq.a_cf_queue exists');
select lives_ok($$ select pgmq.send('cf_queue', '{"ping": true}') $$, 'messages can be sent to it');

select * from finish();
rollback;
