begin;
select plan(3);

select pgflow.create_flow('st_unk_worker');
select pgflow.add_step('st_unk_worker', 'a');
select run_id as rid from pgflow.start_flow('st_unk_worker', '{}') \gset
select message_id as mid from pgflow.step_tasks where run_id = :'rid' \gset

select throws_ok(format($$ select * from pgflow.start_tasks('st_unk_worker', array[%s]::bigint[],
                                                           '00000000-0000-4000-8000-00000000dead') $$, :'mid'),
  '42704', 'worker "00000000-0000-4000-8000-00000000dead" is not registered', 'an unregistered worker is refused');
select results_eq(format($$ select status, attempts_count, last_worker_id from pgflow.step_tasks where run_id = %L $$, :'rid'),
  $$ values ('queued'::text, 0, null::uuid) $$, 'the task is not started');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
