begin;
select plan(4);

select throws_ok($$ select pgflow.create_flow('cf_to', timeout => 0) $$,
  '22023', 'timeout must be at least 1, got 0', 'timeout 0 is refused');
select throws_ok($$ select pgflow.create_flow('cf_to', 3, 1, -5) $$,
  '22023', 'timeout must be at least 1, got -5', 'a negative timeout is refused');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'cf_to' $$, 'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name = 'cf_to' $$, 'no queue was created');

select * from finish();
rollback;
