
-- _cron_remote( command, by_hand )
-- Runs command, one scalar jsonb expression, in pg_cron's database when
-- pg_cron runs its jobs from another database of this cluster
-- (cron.database_name), and returns its value. It goes through dblink
-- (_dblink_function: a member of a trusted dblink extension, never one found
-- by name), as the current role (pgflow's owner, in its definer functions),
-- to this server: the first of unix_socket_directories, else cron.host (how
-- pg_cron itself reaches databases), and this server's port. What runs there
-- commits at once, whatever the caller's transaction does afterwards.
-- The command is evaluated only where pg_cron is installed in that database
-- and the functions and table it may use (cron.schedule_in_database,
-- cron.unschedule(bigint), cron.job) are members of it; a schema that is
-- merely called cron is never used there either.
-- Raises feature_not_supported, with a hint saying what to do (by_hand: the
-- SQL that does the same when run in pg_cron's database), when pg_cron is not
-- loaded, when it runs from this very database but is not installed here,
-- when no trusted dblink is installed here, when pgflow's owner may not use
-- dblink without a password, and when pg_cron is not installed over there.
-- Every value in command is the caller's to quote (format %L).
create function pgflow._cron_remote(command text, by_hand text)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the remote call it runs is dynamic, so the check cannot see that it writes)
declare
  v_database text := nullif(pg_catalog.current_setting('cron.database_name', true), '');
  v_dblink   regprocedure := pgflow._dblink_function();
  v_host     text := nullif(pg_catalog.btrim(pg_catalog.split_part(
                       coalesce(pg_catalog.current_setting('unix_socket_directories', true), ''), ',', 1)), '');
  v_connstr  text;
  v_result   jsonb;
  v_guarded  boolean;
begin
  if v_database is null then
    raise exception using
      errcode = 'feature_not_supported',
      message = format('pg_cron is not installed in database "%s"', pg_catalog.current_database()),
      hint    = 'Add pg_cron to shared_preload_libraries, restart the server and run create extension pg_cron in the database that cron.database_name names.';
  end if;
  if v_database = pg_catalog.current_database() then
    raise exception using
      errcode = 'feature_not_supported',
      message = format('pg_cron is not installed in database "%s"', pg_catalog.current_database()),
      hint    = 'Run create extension pg_cron; it must be in shared_preload_libraries and cron.database_name must name this database.';
  end if;
  if v_dblink is null then
    raise exception using
      errcode = 'feature_not_supported',
      message = format('pg_cron runs in database "%s": database "%s" needs dblink to reach it',
                       left(v_database, 200), pg_catalog.current_database()),
      hint    = format('Run create extension dblink in this database (as a superuser or pgflow''s owner), or run this in database "%s": %s',
                       left(v_database, 200), _cron_remote.by_hand);
  end if;

  -- libpq quotes: a value in single quotes, with \ and ' escaped by \. The
  -- application name is unpredictable, so that no named dblink connection a
  -- caller opened in this session can stand for the connection string.
  select pg_catalog.string_agg(k || '=''' || pg_catalog.replace(pg_catalog.replace(v, '\', '\\'), '''', '\''') || '''', ' ')
    into v_connstr
    from (values ('dbname', v_database),
                 ('host', coalesce(v_host, nullif(pg_catalog.current_setting('cron.host', true), ''), 'localhost')),
                 ('port', pg_catalog.current_setting('port')),
                 ('user', current_user::text),
                 ('application_name', 'pgflow ' || pg_catalog.gen_random_uuid()::text)) as c (k, v);

  begin
    execute format('select t.guarded, t.result from %s($1, $2) as t (guarded boolean, result jsonb)', v_dblink::regproc)
      into v_guarded, v_result
      using v_connstr,
            format($remote$
select g.ok, case when g.ok then (%s) end
  from (select (select pg_catalog.count(*) from pg_catalog.pg_depend as d
                 where d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                   and d.refobjid = (select e.oid from pg_catalog.pg_extension as e where e.extname = 'pg_cron')
                   and d.deptype = 'e'
                   and ((d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                         and d.objid in (pg_catalog.to_regprocedure('cron.schedule_in_database(text,text,text,text,text,boolean)'),
                                         pg_catalog.to_regprocedure('cron.unschedule(bigint)')))
                     or (d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                         and d.objid = pg_catalog.to_regclass('cron.job')))) = 3 as ok) as g
$remote$, _cron_remote.command);
  exception
    when invalid_schema_name or undefined_table or undefined_function then
      -- no schema cron, or not pg_cron's, over there: the command did not even parse
      raise exception using
        errcode = 'feature_not_supported',
        message = format('pg_cron is not installed in database "%s"', left(v_database, 200)),
        hint    = 'Run create extension pg_cron in the database that cron.database_name names (pg_cron 1.4 or later).';
    when sqlstate '2F003' then
    -- dblink's "password is required": the owner is not a superuser
    raise exception using
      errcode = 'feature_not_supported',
      message = format('role "%s" may not connect to database "%s" through dblink without a password',
                       current_user, left(v_database, 200)),
      hint    = format('Only a superuser owner of pgflow schedules from another database; or run this in database "%s": %s',
                       left(v_database, 200), _cron_remote.by_hand);
  end;
  if not v_guarded then
    raise exception using
      errcode = 'feature_not_supported',
      message = format('pg_cron is not installed in database "%s"', left(v_database, 200)),
      hint    = 'Run create extension pg_cron in the database that cron.database_name names (pg_cron 1.4 or later).';
  end if;
  return v_result;
end;
$$;
