-- A 1 MB slug or channel is quoted in an error by its first 200 characters
-- at most: message, detail and hint stay small (the server log gets no 1 MB
-- line). The flow functions: create_flow, ensure_flow and add_step
-- (_assert_slug), get_flow_shape, subscribe.
begin;
select plan(8);

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

create temp table big as select repeat('a', 1024 * 1024) as v, repeat('a b', 350000) as bad;
select pgflow.create_flow('lv_flow');

select is(pg_temp.error_of($$ select pgflow.create_flow((select v from big)) $$), '23514 short', 'create_flow, too long');
select is(pg_temp.error_of($$ select pgflow.create_flow((select bad from big)) $$), '23514 short', 'create_flow, bad characters');
select is(pg_temp.error_of($$ select pgflow.ensure_flow((select v from big), '{"steps": []}') $$), '23514 short', 'ensure_flow');
select is(pg_temp.error_of($$ select pgflow.add_step((select v from big), 'a') $$), '23514 short', 'add_step, flow slug');
select is(pg_temp.error_of($$ select pgflow.add_step('lv_flow', (select v from big)) $$), '23514 short', 'add_step, step slug');
select is(pg_temp.error_of($$ select pgflow.get_flow_shape((select v from big)) $$), '42704 short', 'get_flow_shape');
select is(pg_temp.error_of($$ select pgflow.subscribe((select v from big)) $$), '42704 short', 'subscribe');
select throws_ok($$ select pgflow.get_flow_shape((select left(v, 300) from big)) $$,
  '42704', format('flow "%s" does not exist', repeat('a', 200)), 'the first 200 characters are quoted');

select * from finish();
rollback;
