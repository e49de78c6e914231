begin;
select plan(9);

-- Values that are data, not names (run input, task output, error message,
-- function name), are stored exactly as given, however hostile: SQL in
-- strings, control characters, unicode, 10 MB strings, JSON nested 10,000
-- levels deep.
create temp table hd_sentinel (x integer);
select pgflow.create_flow('hd_flow', max_attempts => 2, base_delay => 0);
select pgflow.add_step('hd_flow', 'a');

select $v$x'); drop table hd_sentinel; -- $$ \ "$v$ || E'\x01\x1f' || 'ünï 🙂' as evil \gset
create temp table hd_deep as select (repeat('{"a":', 10000) || '1' || repeat('}', 10000))::jsonb as j;
create temp table hd_big as select to_jsonb(repeat('x', 10 * 1024 * 1024)) as j;

select run_id as run from pgflow.start_flow('hd_flow', jsonb_build_object('evil', :'evil', 'deep', (select j from hd_deep))) \gset
select is((select input ->> 'evil' from pgflow.runs where run_id = :'run'), :'evil', 'a hostile string in the input is stored as is');
select is((select input -> 'deep' from pgflow.runs where run_id = :'run'), (select j from hd_deep),
  'a 10,000-level deep input is stored as is');

select is((pgflow.register_worker('00000000-0000-4000-8000-0000000d0001', 'hd_flow', :'evil')).function_name, :'evil',
  'a hostile function name is stored as is');
select count(*) from pgflow_tests.read_and_start('hd_flow');
select is((select t.input -> 'run' -> 'deep' from pgflow_tests.read_and_start('hd_flow') as t), null,
  'a second read finds nothing while the task runs');

select is((select error_message from pgflow.fail_task(:'run', 'a', 0, :'evil' || repeat('y', 10 * 1024 * 1024))),
  :'evil' || repeat('y', 10 * 1024 * 1024), 'a hostile 10 MB error message is stored as is');
select count(*) from pgflow_tests.read_and_start('hd_flow');
select is((select output from pgflow.complete_task(:'run', 'a', 0,
                                                   jsonb_build_object('deep', (select j from hd_deep), 'big', (select j from hd_big))))
          = jsonb_build_object('deep', (select j from hd_deep), 'big', (select j from hd_big)),
  true, 'a deep and 10 MB output is stored as is');
select is((select status from pgflow.runs where run_id = :'run'), 'completed', 'and the run completes');
select ok(to_regclass('pg_temp.hd_sentinel') is not null, 'nothing was executed: the sentinel table is still there');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'run'), 'invariants hold');

select * from finish();
rollback;
