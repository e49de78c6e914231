begin;
select plan(10);

select pgflow.ensure_flow('del_me', '{"steps": [{"slug": "a"}, {"slug": "b", "deps": ["a"]}, {"slug": "m", "type": "map"}]}');
select pgflow.ensure_flow('del_keep', '{"steps": [{"slug": "a"}]}');
select run_id as rid from pgflow.start_flow('del_me', '[1, 2]') \gset
select run_id as keep from pgflow.start_flow('del_keep', '{}') \gset
select pgflow_tests.drive('del_me');
select pgflow.start_flow('del_me', '[3]');
select pgflow_tests.read_and_start('del_me', 1);

select lives_ok($$ select pgflow.delete_flow_and_data('del_me') $$, 'a flow with finished and running runs is deleted');
select is_empty($$ select from pgflow.runs where flow_slug = 'del_me' $$, 'its runs are gone');
select is_empty($$ select from pgflow.step_states where flow_slug = 'del_me' $$, 'its step_states are gone');
select is_empty($$ select from pgflow.step_tasks where flow_slug = 'del_me' $$, 'its step_tasks are gone');
select is_empty($$ select from pgflow.deps where flow_slug = 'del_me' $$, 'its deps are gone');
select is_empty($$ select from pgflow.steps where flow_slug = 'del_me' $$, 'its steps are gone');
select is_empty($$ select from pgflow.flows where flow_slug = 'del_me' $$, 'the flow is gone');
select ok(not exists (select from pgmq.meta where queue_name = 'del_me') and to_regclass('pgmq.q_del_me') is null
          and to_regclass('pgmq.a_del_me') is null, 'its queue and archive are dropped');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'keep'), 'another flow and its run are untouched');

-- The slug is free again: the flow can be defined anew, with another shape.
select is((pgflow.ensure_flow('del_me', '{"steps": [{"slug": "other"}]}')).flow_slug, 'del_me',
  'the slug can be used again for another shape');

select * from finish();
rollback;
