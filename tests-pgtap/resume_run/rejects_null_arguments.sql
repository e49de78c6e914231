-- resume_run(run_id): a null run_id is 22004 naming it, with a
-- hint, before any run is read or locked; nothing changes.
begin;
select plan(4);

create function pg_temp.hint_of(sql text) returns text language plpgsql as $$
declare v_hint text;
begin
  execute sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select pgflow.create_flow('resume_run_nulls');
select pgflow.add_step('resume_run_nulls', 'a');
select run_id as run from pgflow.start_flow('resume_run_nulls', '{}') \gset
select pgflow.pause_run(:'run');
create temp table resume_run_nulls_runs as select * from pgflow.runs where flow_slug = 'resume_run_nulls';
create temp table resume_run_nulls_states as select * from pgflow.step_states where flow_slug = 'resume_run_nulls';

select throws_ok($$ select pgflow.resume_run(null) $$, '22004', 'run_id must not be null', 'run_id null');
select isnt(pg_temp.hint_of($$ select pgflow.resume_run(null) $$), null, 'with a hint');
select results_eq($$ select * from pgflow.runs where flow_slug = 'resume_run_nulls' order by run_id $$,
  $$ select * from resume_run_nulls_runs order by run_id $$, 'no run changed');
select results_eq($$ select * from pgflow.step_states where flow_slug = 'resume_run_nulls' order by run_id, step_slug $$,
  $$ select * from resume_run_nulls_states order by run_id, step_slug $$, 'no step state changed');

select * from finish();
rollback;
