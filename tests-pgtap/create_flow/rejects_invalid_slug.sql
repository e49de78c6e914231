begin;
select plan(8);

-- An invalid flow slug: 22023 naming the slug; no flow row, no queue.
select throws_ok($$ select pgflow.create_flow('1flow') $$, '22023', 'invalid flow slug "1flow"', 'leading digit');
select throws_ok($$ select pgflow.create_flow('cf-bad') $$, '22023', 'invalid flow slug "cf-bad"', 'dash');
select throws_ok($$ select pgflow.create_flow('cf bad') $$, '22023', 'invalid flow slug "cf bad"', 'space');
select throws_ok($$ select pgflow.create_flow('') $$, '22023', 'invalid flow slug ""', 'empty');
select throws_ok($$ select pgflow.create_flow('cf_é') $$, '22023', 'invalid flow slug "cf_é"', 'non-ASCII letter');
select is_empty($$ select 1 from pgflow.flows where flow_slug in ('1flow', 'cf-bad', 'cf bad', '', 'cf_é') $$,
  'no flow row was created');
select is_empty($$ select 1 from pgmq.meta where queue_name in ('1flow', 'cf-bad', 'cf bad', '', 'cf_é') $$,
  'no queue was created');
select hasnt_table('pgmq', 'q_1flow', 'no queue table was created');

select * from finish();
rollback;
