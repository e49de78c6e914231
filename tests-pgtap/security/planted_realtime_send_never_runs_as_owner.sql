begin;
select plan(7);

-- A role with nothing but CREATE on the database plants schema realtime and a
-- realtime.send that makes its owner superuser when it runs as a superuser.
-- pgflow runs its worker functions as its owner: it must never call it, with
-- realtime delivery off (the default) or on.
select pgflow_tests.new_role('mallory') as m \gset
select format('grant create on database %I to %I', current_database(), :'m') \gexec
set local role :m;
create schema realtime;
create table realtime.calls (caller text);
create function realtime.send(jsonb, text, text, boolean) returns void language plpgsql as $$
begin
  insert into realtime.calls values (current_user);
  if (select rolsuper from pg_roles where rolname = current_user) then
    execute format('alter role %I superuser', (select n.nspowner::regrole::text from pg_namespace as n where n.nspname = 'realtime'));
  end if;
end $$;
grant usage on schema realtime to public;
grant insert on realtime.calls to public;
reset role;

select pgflow.create_flow('sec_rt');
select pgflow.add_step('sec_rt', 'a');
select pgflow.add_step('sec_rt', 'b', array['a']);
select run_id as rid from pgflow.start_flow('sec_rt', '{}') \gset
select pgflow_tests.read_and_start('sec_rt');
select pgflow.complete_task(:'rid', 'a', 0, '1');
select is_empty($$ select from realtime.calls $$, 'with realtime delivery off (the default) it is not called');

set local pgflow.realtime = on;
select is(pgflow._realtime_send(), null, 'on, but owned by an untrusted role: not found');
select is(pgflow._events_wanted(), false, 'so nothing is wanted for it');
select pgflow_tests.read_and_start('sec_rt');
select pgflow.complete_task(:'rid', 'b', 0, '2');
select is_empty($$ select from realtime.calls $$, 'with realtime delivery on it is not called either');
select is((select rolsuper from pg_roles where rolname = :'m'), false, 'the planting role is not superuser');
select is((select status from pgflow.runs where run_id = :'rid'), 'completed', 'the run completed as usual');

-- A trusted realtime.send beside an untrusted one of the same name is not
-- called either: the call goes by name.
select format('alter schema realtime owner to %I', current_user) \gexec
create function realtime.send(jsonb, text, text, boolean, integer default 0) returns void
  language sql as $$ select $$;
select format('alter function realtime.send(jsonb, text, text, boolean) owner to %I', current_user) \gexec
select format('alter function realtime.send(jsonb, text, text, boolean, integer) owner to %I', :'m') \gexec
select is(pgflow._realtime_send(), null, 'a trusted send with an untrusted overload beside it: not found');

select * from finish();
rollback;
