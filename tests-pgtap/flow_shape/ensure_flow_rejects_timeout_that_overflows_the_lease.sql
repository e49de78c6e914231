-- ensure_flow refuses a timeout above 2147483645 (its lease, timeout + 2 s,
-- is a pgmq visibility timeout in integer seconds), for the flow or for a
-- step of the shape, whether the flow exists or not, and creates nothing.
begin;
select plan(6);

select throws_ok($$ select pgflow.ensure_flow('ef_huge', '{"steps": [{"slug": "a"}]}', timeout => 2147483647) $$,
  '22023', 'timeout must be at most 2147483645, got 2147483647', 'a flow timeout of 2147483647');
select throws_ok($$ select pgflow.ensure_flow('ef_huge', '{"steps": [{"slug": "a", "options": {"timeout": 2147483646}}]}') $$,
  '22023', 'timeout must be at most 2147483645, got 2147483646', 'a step timeout of 2147483646');
select is_empty($$ select 1 from pgflow.flows where flow_slug = 'ef_huge' $$, 'no flow was created');
select is_empty($$ select 1 from pgmq.meta where queue_name = 'ef_huge' $$, 'nor its queue');

select pgflow.ensure_flow('ef_huge', '{"steps": [{"slug": "a", "options": {"timeout": 2147483645}}]}', timeout => 2147483645);
select throws_ok($$ select pgflow.ensure_flow('ef_huge', '{"steps": [{"slug": "a", "options": {"timeout": 2147483647}}]}') $$,
  '22023', 'timeout must be at most 2147483645, got 2147483647', 'the same shape again with a step timeout of 2147483647');
select results_eq($$ select f.opt_timeout, s.opt_timeout from pgflow.flows as f join pgflow.steps as s using (flow_slug)
                      where f.flow_slug = 'ef_huge' $$,
  $$ values (2147483645, 2147483645) $$, 'timeouts of 2147483645 are accepted');

select * from finish();
rollback;
