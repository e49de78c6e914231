-- CREATE EXTENSION uses schema pgflow if it exists already: made by a role
-- with CREATE on the database, or left behind by a dropped pgflow. pgflow
-- refuses to install into a schema pgflow (or use a schema pgmq) that belongs
-- to a role it cannot trust. This needs a database and a role of its own,
-- made and removed here through dblink (every statement there commits).
begin;
select plan(3);

create function pg_temp.remote(db text, sql text) returns text language plpgsql as $f$
begin
  perform dblink_connect('guard', format('dbname=%s host=127.0.0.1 port=%s user=%s', db, current_setting('port'), current_user));
  begin
    perform dblink_exec('guard', sql);
  exception when others then
    perform dblink_disconnect('guard');
    return sqlstate || ': ' || sqlerrm;
  end;
  perform dblink_disconnect('guard');
  return 'succeeded';
end $f$;
create function pg_temp.cleanup() returns void language plpgsql as $f$
begin
  perform pg_temp.remote('postgres', 'drop database if exists pgflow_guard_probe with (force)');
  perform pg_temp.remote('postgres', 'drop role if exists pgflow_guard_mallory');
end $f$;

select pg_temp.cleanup();
select pg_temp.remote('postgres', 'create role pgflow_guard_mallory');
select pg_temp.remote('postgres', 'create database pgflow_guard_probe');
select pg_temp.remote('pgflow_guard_probe', 'create extension pgmq');
select pg_temp.remote('pgflow_guard_probe', 'create schema pgflow authorization pgflow_guard_mallory');

select is(pg_temp.remote('pgflow_guard_probe', 'create extension pgflow'),
  '42501: schema "pgflow" belongs to role "pgflow_guard_mallory", which pgflow cannot trust',
  'a schema pgflow owned by another role is refused');
select is(pg_temp.remote('pgflow_guard_probe', 'alter schema pgflow owner to ' || quote_ident(current_user)
                                               || '; create extension pgflow'),
  'succeeded', 'the same schema owned by the installing role is used');
select is(pg_temp.remote('pgflow_guard_probe', 'drop extension pgflow; alter schema pgmq owner to pgflow_guard_mallory;'
                                               || ' create extension pgflow'),
  '42501: schema "pgmq" belongs to role "pgflow_guard_mallory", which pgflow cannot trust',
  'and so is a schema pgmq owned by another role');

select pg_temp.cleanup();
select * from finish();
rollback;
