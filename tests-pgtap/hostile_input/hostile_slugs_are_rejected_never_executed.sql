begin;
select plan(6);

-- Every public function that takes a slug (or a queue or job name), called
-- with hostile values: quotes, semicolons with SQL after them, dollar quotes,
-- backslashes, unicode, control characters, empty, 10 MB. Each call is
-- rejected with a clear error (never a syntax error: nothing is executed),
-- nothing crashes, and nothing changes.
create temp table hi_sentinel (x integer);
select pgflow.create_flow('hi_flow');
select pgflow.add_step('hi_flow', 'a');
select run_id as run from pgflow.start_flow('hi_flow', '{}') \gset
select pgflow_tests.new_role('hostile') as role \gset

create temp table hi_values (v text);
insert into hi_values values
  ($v$x'; drop table hi_sentinel; --$v$), ($v$x"; drop table hi_sentinel; --$v$),
  ($v$hi_flow'); select pgflow.prune('0'); --$v$), ($v$$$; drop table hi_sentinel; $$$v$),
  ($v$a\b\\c$v$), ($v$a;b$v$), ($v$'$v$), ($v$"$v$), ('ünïcödé_ſlug'), ('🙂'),
  (E'a\x01b\x1fc\x7f'), (E'tab\there'), (E'line\nbreak'), ('a b'), (''), ('run'),
  ('hi_flow '), ('HI_FLOW'), ('hi_flow%s%I%L'), (repeat('a', 10 * 1024 * 1024));

create temp table hi_calls (fn text, tmpl text);
insert into hi_calls values
  ('create_flow',            $$ select pgflow.create_flow(%L) $$),
  ('add_step flow',          $$ select pgflow.add_step(%L, 'b') $$),
  ('add_step step',          $$ select pgflow.add_step('hi_flow', %L) $$),
  ('add_step dep',           $$ select pgflow.add_step('hi_flow', 'b', array[%L]) $$),
  ('add_step step_type',     $$ select pgflow.add_step('hi_flow', 'b', step_type => %L) $$),
  ('start_flow',             $$ select pgflow.start_flow(%L, '{}') $$),
  ('start_flow_with_states', $$ select pgflow.start_flow_with_states(%L, '{}') $$),
  ('start_tasks',            $$ select pgflow.start_tasks(%L, '{1}', gen_random_uuid()) $$),
  ('set_vt_batch',           $$ select pgflow.set_vt_batch(%L, '{1}', '{0}') $$),
  ('register_worker',        $$ select pgflow.register_worker(gen_random_uuid(), %L, 'w') $$),
  ('complete_task',          format($$ select pgflow.complete_task(%L, %%L, 0, '{}') $$, :'run')),
  ('fail_task',              format($$ select pgflow.fail_task(%L, %%L, 0, 'x') $$, :'run')),
  ('schedule_flow',          $$ select pgflow.schedule_flow('hi_job', '* * * * *', %L) $$),
  ('schedule_flow job',      $$ select pgflow.schedule_flow(%L, '* * * * *', 'nope') $$),
  ('unschedule_flow',        $$ select pgflow.unschedule_flow(%L) $$),
  ('schedule_maintenance',   $$ select pgflow.schedule_maintenance(%L) $$),
  ('grant_worker',           format($$ select pgflow.grant_worker(%L, array[%%L]) $$, :'role'));

create temp table hi_before as
select (select count(*) from pgflow.flows) as flows, (select count(*) from pgflow.steps) as steps,
       (select count(*) from pgflow.deps) as deps, (select count(*) from pgflow.runs) as runs,
       (select count(*) from pgflow.step_states) as states, (select count(*) from pgflow.step_tasks) as tasks,
       (select count(*) from pgflow.workers) as workers, (select count(*) from pgmq.meta) as queues,
       (select count(*) from pgmq.q_hi_flow) as messages;

create temp table hi_results (fn text, v text, sqlstate text);
do $$
declare
  c record;
  v record;
  v_state text;
begin
  for c in select * from hi_calls loop
    for v in select * from hi_values loop
      begin
        execute format(c.tmpl, v.v);
        v_state := 'ok';
      exception when others then
        get stacked diagnostics v_state = returned_sqlstate;
      end;
      insert into hi_results values (c.fn, left(v.v, 40), v_state);
    end loop;
  end loop;
end;
$$;

select is((select count(*)::integer from hi_results), (select count(*)::integer from hi_calls) * (select count(*)::integer from hi_values),
  'every function was called with every hostile value');
-- (pgmq's queue names ignore case: set_vt_batch('HI_FLOW', ...) names
-- hi_flow's queue, and finds no message 1 in it)
select is_empty($$ select fn, v from hi_results where sqlstate = 'ok' and (fn, v) <> ('set_vt_batch', 'HI_FLOW') $$,
  'no call succeeded');
select is_empty($$ select fn, v, sqlstate from hi_results
                    where sqlstate not in ('22023', '22004', '42704', '42P01', '42710', '0A000', '22P02', '55000', '23514', '23503')
                      and (fn, v) <> ('set_vt_batch', 'HI_FLOW') $$,
  'every call raised a clear error (bad value, unknown or duplicate object or queue, missing feature): never a syntax error or a crash');
select ok(to_regclass('pg_temp.hi_sentinel') is not null, 'nothing was executed: the sentinel table is still there');
select results_eq($$ select * from hi_before $$,
  $$ select (select count(*) from pgflow.flows), (select count(*) from pgflow.steps), (select count(*) from pgflow.deps),
            (select count(*) from pgflow.runs), (select count(*) from pgflow.step_states),
            (select count(*) from pgflow.step_tasks), (select count(*) from pgflow.workers), (select count(*) from pgmq.meta),
            (select count(*) from pgmq.q_hi_flow) $$,
  'nothing changed: definitions, runs, workers, queues');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'run'), 'the run is consistent');

select * from finish();
rollback;
