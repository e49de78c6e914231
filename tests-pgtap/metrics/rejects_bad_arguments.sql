begin;
select plan(10);

-- Windows are 1..1440 minutes, pages 1..1000 rows; before_run_id needs
-- before_failed_at; an unknown flow is named. Each raises 22023 or 42704.
select throws_ok($$ select * from pgflow.metrics_runs(0) $$, '22023', 'minutes must be between 1 and 1440, got 0', 'metrics_runs: 0 minutes');
select throws_ok($$ select * from pgflow.metrics_tasks(1441) $$, '22023', 'minutes must be between 1 and 1440, got 1441', 'metrics_tasks: too many minutes');
select throws_ok($$ select * from pgflow.metrics_throughput(null) $$, '22023', 'minutes must be between 1 and 1440, got null', 'metrics_throughput: null');
select throws_ok($$ select * from pgflow.metrics_throughput(-5) $$, '22023', 'minutes must be between 1 and 1440, got -5', 'metrics_throughput: negative');
select throws_ok($$ select * from pgflow.metrics_task_durations(100000) $$, '22023', 'minutes must be between 1 and 1440, got 100000', 'metrics_task_durations: too many');
select throws_ok($$ select * from pgflow.list_failed_runs(max_rows => 0) $$, '22023', 'max_rows must be between 1 and 1000, got 0', 'list_failed_runs: 0 rows');
select throws_ok($$ select * from pgflow.list_failed_runs(max_rows => 1001) $$, '22023', 'max_rows must be between 1 and 1000, got 1001', 'list_failed_runs: too many rows');
select throws_ok($$ select * from pgflow.list_failed_runs(before_run_id => '00000000-0000-4000-8000-000000000001') $$,
  '22023', 'before_run_id "00000000-0000-4000-8000-000000000001" needs before_failed_at', 'list_failed_runs: half a key');
select throws_ok($$ select * from pgflow.list_failed_runs('mt_no_such_flow') $$, '42704', 'flow "mt_no_such_flow" does not exist',
  'list_failed_runs: unknown flow');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace and p.proname ~ '^(metrics_|list_failed_runs)'
                      and not 'jit=off' = any(coalesce(p.proconfig, '{}')) $$,
  'jit is off for every metrics function (its compilation costs more than the queries)');

select * from finish();
rollback;
