-- A 1 MB queue name given to register_worker is quoted in an error by its
-- first 200 characters at most: message, detail and hint stay small.
begin;
select plan(4);

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

select is(pg_temp.error_of($$ select pgflow.register_worker('00000000-0000-4000-8000-00000000a0c1', (select v from big), 'w') $$),
  '42704 short', 'register_worker, queue_name');
select is(pg_temp.error_of($$ select pgflow.register_worker('00000000-0000-4000-8000-00000000a0c1', (select v from big), (select v from big)) $$),
  '42704 short', 'register_worker, queue_name and function_name');
select throws_ok($$ select pgflow.register_worker('00000000-0000-4000-8000-00000000a0c1', (select left(v, 300) from big), 'w') $$,
  '42704', format('flow "%s" does not exist', repeat('a', 200)), 'the first 200 characters are quoted');
select is_empty($$ select 1 from pgflow.workers where worker_id = '00000000-0000-4000-8000-00000000a0c1' $$,
  'no worker was registered');

select * from finish();
rollback;
