-- A 1 MB value is quoted in an error by its first 200 characters at most:
-- message, detail and hint stay small. add_step's options, dependencies and
-- conditions, set_flow_options, set_step_options, ensure_flow's shape,
-- start_tasks, set_vt_batch.
begin;
select plan(14);

-- error_of( sql ): '<sqlstate> short', or '<sqlstate> long: <n>' when the
-- message, detail and hint have n >= 1000 characters together.
create function pg_temp.error_of(sql text) returns text language plpgsql as $$
declare v_state text; v_message text; v_detail text; v_hint text; v_n integer;
begin
  execute sql;
  return 'no error';
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                          v_detail = pg_exception_detail, v_hint = pg_exception_hint;
  v_n := length(v_message) + coalesce(length(v_detail), 0) + coalesce(length(v_hint), 0);
  return v_state || case when v_n < 1000 then ' short' else ' long: ' || v_n end;
end $$;

create temp table big as select repeat('a', 1024 * 1024) as v;
select pgflow.create_flow('lv_def');
select pgflow.add_step('lv_def', 'a');
select pgflow.add_step('lv_def', 'b', array['a'], run_if => '{"a": 1}');

select is(pg_temp.error_of($$ select pgflow.add_step('lv_def', 'x', step_type => (select v from big)) $$), '23514 short', 'add_step, step_type');
select is(pg_temp.error_of($$ select pgflow.add_step('lv_def', 'x', when_unmet => (select v from big)) $$), '22023 short', 'add_step, when_unmet');
select is(pg_temp.error_of($$ select pgflow.add_step('lv_def', 'x', array[(select v from big), (select v from big)]) $$), '22023 short', 'add_step, a dependency listed twice');
select is(pg_temp.error_of($$ select pgflow.add_step('lv_def', 'x', array[(select v from big)]) $$), '23503 short', 'add_step, an unknown dependency');
select is(pg_temp.error_of($$ select pgflow.add_step('lv_def', 'x', array['a'], run_if => jsonb_build_object((select v from big), 1)) $$), '22023 short', 'add_step, a condition key');
select is(pg_temp.error_of($$ select pgflow.add_step('lv_def', 'b', array['a'], run_if => jsonb_build_object('a', (select v from big))) $$), '42710 short', 'add_step, another definition');
select is(pg_temp.error_of($$ select pgflow.set_flow_options((select v from big), 1) $$), '42704 short', 'set_flow_options, flow');
select is(pg_temp.error_of($$ select pgflow.set_step_options((select v from big), 'a', 1) $$), '42704 short', 'set_step_options, flow');
select is(pg_temp.error_of($$ select pgflow.set_step_options('lv_def', (select v from big), 1) $$), '42704 short', 'set_step_options, step');
select is(pg_temp.error_of($$ select pgflow.set_step_options('lv_def', 'a', inherit => array[(select v from big)]) $$), '22023 short', 'set_step_options, inherit');
select is(pg_temp.error_of($$ select pgflow.ensure_flow('lv_def2', jsonb_build_object('steps', '[]'::jsonb, (select v from big), 1)) $$), '22023 short', 'ensure_flow, a key of the shape');
select is(pg_temp.error_of($$ select pgflow.ensure_flow('lv_def2', jsonb_build_object('steps', jsonb_build_array(jsonb_build_object('slug', 'a', 'type', (select v from big))))) $$), '22023 short', 'ensure_flow, a step type');
select is(pg_temp.error_of($$ select pgflow.start_tasks((select v from big), '{}', gen_random_uuid()) $$), '42704 short', 'start_tasks, flow');
select is(pg_temp.error_of($$ select pgflow.set_vt_batch((select v from big), '{1}', '{1}') $$), '42P01 short', 'set_vt_batch, queue');

select * from finish();
rollback;
