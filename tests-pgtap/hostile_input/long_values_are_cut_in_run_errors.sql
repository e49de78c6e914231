-- A 1 MB flow slug given to start_flow, start_flows or start_flow_with_states
-- is quoted in an error by its first 200 characters at most: message, detail
-- and hint stay small. A 1 MB cancel reason is kept whole in the run, and
-- its run:cancelled notification is cut, not refused.
begin;
select plan(15);

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
select pgflow.create_flow('lv_runs');
select pgflow.add_step('lv_runs', 'a');

select is(pg_temp.error_of($$ select pgflow.start_flow((select v from big), '{}') $$), '42704 short', 'start_flow');
select is(pg_temp.error_of($$ select pgflow.start_flow((select v from big), null) $$), '22004 short', 'start_flow, null input');
select is(pg_temp.error_of($$ select pgflow.start_flows((select v from big), '[{}]') $$), '42704 short', 'start_flows');
select is(pg_temp.error_of($$ select pgflow.start_flows((select v from big), '[]') $$), '42704 short', 'start_flows, no input');
select is(pg_temp.error_of($$ select pgflow.start_flows((select v from big), null) $$), '22004 short', 'start_flows, null inputs');
select is(pg_temp.error_of($$ select pgflow.start_flows((select v from big), '{}') $$), '22023 short', 'start_flows, no array');
select is(pg_temp.error_of($$ select pgflow.start_flow_with_states((select v from big), '{}') $$), '42704 short',
  'start_flow_with_states');
select is(pg_temp.error_of($$ select pgflow.start_flow_with_states((select v from big), null) $$), '22004 short',
  'start_flow_with_states, null input');
select throws_ok($$ select pgflow.start_flow((select left(v, 100) from big), '{}') $$,
  '42704', format('flow "%s" does not exist', repeat('a', 100)), 'a slug too long for a flow is unknown, quoted whole');
select throws_ok($$ select pgflow.start_flow((select left(v, 300) from big), '{}') $$,
  '42704', format('flow "%s" does not exist', repeat('a', 200)), 'the first 200 characters are quoted');
select is_empty($$ select 1 from pgflow.runs where flow_slug = 'lv_runs' $$, 'no run was created');

-- cancel_run: the reason goes whole into the run, cut into the notification
-- (NOTIFY refuses payloads of 8000 bytes or more).
select run_id as run from pgflow.start_flow('lv_runs', '{}') \gset
set local pgflow.notify = on;
select lives_ok(format($$ select pgflow.cancel_run(%L, (select v from big)) $$, :'run'),
  'a run is cancelled with a 1 MB reason while events are sent');
select is((select length(cancel_reason) from pgflow.runs where run_id = :'run'), 1024 * 1024, 'the run keeps it whole');
select run_id as run2 from pgflow.start_flow('lv_runs', '{}') \gset
select lives_ok(format($$ select pgflow.cancel_run(%L, (select repeat(E'\x01', 1000000) from big)) $$, :'run2'),
  'a reason that JSON escapes six times over fits too');
select is((select status from pgflow.runs where run_id = :'run2'), 'cancelled', 'and the run is cancelled');

select * from finish();
rollback;
