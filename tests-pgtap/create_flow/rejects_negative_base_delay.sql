begin;
select plan(3);

select throws_ok($$ select pgflow.create_flow('cf_neg_bd', base_delay => -1) $$,
  '22023', 'base_delay must be at least 0, got -1', 'base_delay -1 is refused');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'cf_neg_bd' $$, 'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name = 'cf_neg_bd' $$, 'no queue was created');

select * from finish();
rollback;
