
-- _realtime_send()
-- Supabase Realtime's realtime.send(jsonb, text, text, boolean), when the
-- database owner turned delivery to it on (setting pgflow.realtime = on, per
-- database or role) and it is trusted: the function and its schema are owned
-- by a superuser or by pgflow's owner (on Supabase, supabase_admin owns both).
-- Null otherwise. A function of that name that anyone else could have put in
-- place is never called: SECURITY DEFINER callers would run it as pgflow's
-- owner. A value other than on/off is an error, as for pgflow.notify.
create function pgflow._realtime_send()
returns regprocedure
language plpgsql
stable
set search_path = ''
as $$
declare
  v_mode text := lower(coalesce(nullif(current_setting('pgflow.realtime', true), ''), 'off'));
  v_send regprocedure;
begin
  if v_mode in ('off', 'false', '0') then
    return null;
  end if;
  if v_mode not in ('on', 'true', '1') then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid value for pgflow.realtime: "%s"', left(v_mode, 100)),
      hint    = 'pgflow.realtime is off (the default) or on (send every event to realtime.send as well).';
  end if;
  select p.oid::regprocedure into v_send
    from pg_catalog.pg_proc as p
    join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
   where p.oid = to_regprocedure('realtime.send(jsonb, text, text, boolean)')
     and pgflow._is_trusted_role(p.proowner)
     and pgflow._is_trusted_role(n.nspowner)
     -- the call goes by name: no other send of someone else's may stand beside it
     and not exists (select from pg_catalog.pg_proc as q
                      where q.pronamespace = n.oid and q.proname = 'send'
                        and not pgflow._is_trusted_role(q.proowner));
  return v_send;
end;
$$;
