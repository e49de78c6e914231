begin;
select plan(6);

-- Another application's pgmq queue, with a message in it.
select pgmq.create('cf_foreign_q');
select pgmq.send('cf_foreign_q', '{"theirs": true}');

select throws_ok($$ select pgflow.create_flow('cf_foreign_q') $$, '42710',
  'pgmq queue "cf_foreign_q" exists already and is not a pgflow flow''s',
  'a flow does not adopt an existing queue');
select throws_ok($$ select pgflow.create_flow('CF_Foreign_Q') $$, '42710',
  'pgmq queue "CF_Foreign_Q" exists already and is not a pgflow flow''s',
  'nor one whose name differs only in case (pgmq lowercases its tables)');
select throws_ok($$ select pgflow.ensure_flow('cf_foreign_q', '{"steps": [{"slug": "a"}]}') $$, '42710', null,
  'ensure_flow refuses it too');
select is_empty($$ select from pgflow.flows where lower(flow_slug) = 'cf_foreign_q' $$, 'no flow was created');
select is((select count(*)::integer from pgmq.q_cf_foreign_q), 1, 'the queue keeps its message');

-- A flow's own queue: the same call again is still a no-op.
select pgflow.create_flow('cf_own_q');
select lives_ok($$ select pgflow.create_flow('cf_own_q') $$, 'repeating create_flow for a flow of pgflow works');

select * from finish();
rollback;
