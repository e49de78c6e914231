
-- _events_wanted()
-- Whether _emit_event could send anything at all right now: pgflow.notify is
-- on (or not a valid value, which _emit_event then reports), or a trusted
-- realtime.send is turned on (_realtime_send), or someone subscribed to some
-- channel. The hot path asks once per
-- statement that emits events, rather than calling _emit_event per row to
-- learn that nobody listens (the common case). subscriptions is a handful of
-- rows, read whole: a sequential scan even where the hot path disables them.
-- PL/pgSQL, not SQL: a SQL function that cannot be inlined (this one has a
-- SET clause) is parsed and planned again in every transaction that calls it,
-- which cost 0.06-0.08 ms per call; PL/pgSQL keeps its plan for the session.
create function pgflow._events_wanted()
returns boolean
language plpgsql
stable
set search_path = ''
set enable_seqscan = on
as $$
declare
  v_mode text := lower(coalesce(nullif(current_setting('pgflow.notify', true), ''), 'auto'));
begin
  return v_mode not in ('auto', 'off', 'false', '0')
      or pgflow._realtime_send() is not null
      or (v_mode = 'auto' and exists (select from pgflow.subscriptions as s where s.expires_at > clock_timestamp()));
end;
$$;
