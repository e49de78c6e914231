begin;
select plan(2);

select pgflow.create_flow('ct_unk_run');
select pgflow.add_step('ct_unk_run', 'a');
select count(*) as n_tasks from pgflow.step_tasks \gset

select is_empty($$ select * from pgflow.complete_task('00000000-0000-4000-8000-0000000c0001', 'a', 0, '{}') $$,
  'a run that is not there: no row (pruned since its task started, say)');
select is((select count(*) from pgflow.step_tasks), :'n_tasks'::bigint, 'no task appears');

select * from finish();
rollback;
