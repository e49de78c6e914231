begin;
select plan(3);

select throws_ok($$ select pgflow.create_flow('run') $$, '22023', 'flow slug "run" is reserved', '"run" is reserved');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'run' $$, 'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name = 'run' $$, 'no queue was created');

select * from finish();
rollback;
