
-- _cron_function( signatures )
-- The first pg_cron function of these signatures that exists (say
-- 'cron.unschedule(name)', 'cron.unschedule(text)': versions differ), or
-- feature_not_supported where pg_cron is not installed in this database. pg_cron stays optional: pgflow does not require it, and callers
-- reach it through EXECUTE so that pgflow installs and compiles without it.
create function pgflow._cron_function(variadic signatures text[])
returns regprocedure
language plpgsql
stable
set search_path = ''
as $$
declare
  v_function regprocedure;
begin
  if to_regnamespace('cron') is not null then
    select to_regprocedure(s.signature) into v_function
      from unnest(_cron_function.signatures) with ordinality as s (signature, n)
     where to_regprocedure(s.signature) is not null
     order by s.n
     limit 1;
  end if;
  if v_function is null then
    raise exception using
      errcode = 'feature_not_supported',
      message = format('pg_cron is not installed in database "%s"', current_database()),
      hint    = 'Run create extension pg_cron; it must be in shared_preload_libraries and cron.database_name must name this database.';
  end if;
  return v_function;
end;
$$;
