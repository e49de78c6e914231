begin;
select plan(2);

select pgflow.create_flow('ft_unk_run');
select pgflow.add_step('ft_unk_run', 'a');
select count(*) as n_runs from pgflow.runs where status = 'failed' \gset

select is_empty($$ select * from pgflow.fail_task('00000000-0000-4000-8000-0000000f0001', 'a', 0, 'x') $$,
  'a run that is not there: no row, as for any late call');
select is((select count(*) from pgflow.runs where status = 'failed'), :'n_runs'::bigint, 'no run failed');

select * from finish();
rollback;
