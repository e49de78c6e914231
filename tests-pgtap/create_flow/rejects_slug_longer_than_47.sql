begin;
select plan(5);

-- The queue is named after the flow and pgmq allows at most 47 characters.
select lives_ok(format('select pgflow.create_flow(%L)', 'cf_' || repeat('x', 44)), '47 characters is allowed');
select throws_ok(format('select pgflow.create_flow(%L)', 'cf_' || repeat('y', 45)),
  '22023', format('flow slug "%s" is longer than 47 characters', 'cf_' || repeat('y', 45)), '48 characters is refused');
select throws_ok(format('select pgflow.create_flow(%L)', repeat('z', 128)),
  '22023', format('flow slug "%s" is longer than 47 characters', repeat('z', 128)),
  'a valid 128-character slug is still too long for a flow');
select is_empty(format('select 1 from pgflow.flows where flow_slug in (%L, %L)', 'cf_' || repeat('y', 45), repeat('z', 128)),
  'no flow row was created for the long slugs');
select is_empty(format('select 1 from pgmq.meta where queue_name in (%L, %L)', 'cf_' || repeat('y', 45), repeat('z', 128)),
  'no queue was created for the long slugs');

select * from finish();
rollback;
