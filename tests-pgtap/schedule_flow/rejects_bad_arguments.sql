begin;
select plan(6);

-- Arguments are checked before pg_cron is looked for, so these hold in any database.
select pgflow.create_flow('sch_args');
select pgflow.add_step('sch_args', 'a');

select throws_ok($$ select pgflow.schedule_flow('sch_args_job', '* * * * *', 'sch_args_nope') $$,
  '42704', 'flow "sch_args_nope" does not exist', 'an unknown flow is refused');
select throws_ok($$ select pgflow.schedule_flow('sch_args_job', '* * * * *', null) $$,
  '42704', 'flow "NULL" does not exist', 'a null flow is refused');
select throws_ok($$ select pgflow.schedule_flow('sch_args_job', '* * * * *', 'sch_args', null) $$,
  '22004', 'input of job "sch_args_job" must not be null', 'a null input is refused');
select throws_ok($$ select pgflow.schedule_flow(null, '* * * * *', 'sch_args') $$,
  '22023', 'job name must not be null or empty', 'a null job name is refused');
select throws_ok($$ select pgflow.schedule_flow('', '* * * * *', 'sch_args') $$,
  '22023', 'job name must not be null or empty', 'an empty job name is refused');
select throws_ok($$ select pgflow.schedule_flow('sch_args_job', null, 'sch_args') $$,
  '22004', 'schedule of job "sch_args_job" must not be null', 'a null schedule is refused');

select * from finish();
rollback;
