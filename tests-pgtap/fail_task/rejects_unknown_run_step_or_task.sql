begin;
select plan(4);

select pgflow.create_flow('ft_unknown', 3, 0, 60);
select pgflow.add_step('ft_unknown', 'a');
select run_id as rid from pgflow.start_flow('ft_unknown', '{}') \gset

select is_empty($$ select pgflow.fail_task('00000000-0000-4000-8000-000000000000', 'a', 0, 'x') $$,
  'a run that is not there: no row (it may have been pruned)');
select throws_ok(format($$ select pgflow.fail_task(%L, 'nope', 0, 'x') $$, :'rid'),
  '42704', 'step "nope" does not exist in flow "ft_unknown"', 'unknown step');
select throws_ok(format($$ select pgflow.fail_task(%L, 'a', 7, 'x') $$, :'rid'),
  '42704', format('task 7 of step "a" does not exist in run "%s"', :'rid'), 'unknown task index');
select is((select count(*)::integer from pgflow.fail_task(:'rid', 'a', 0, 'x')), 0, 'a queued task is left alone');

select * from finish();
rollback;
