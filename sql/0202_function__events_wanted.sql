
-- _events_wanted()
-- Whether _emit_event could send anything at all right now: pgflow.notify is
-- on (or not a valid value, which _emit_event then reports), or realtime.send
-- exists, or someone subscribed to some channel. The hot path asks once per
-- statement that emits events, rather than calling _emit_event per row to
-- learn that nobody listens (the common case). subscriptions is a handful of
-- rows, read whole: a sequential scan even where the hot path disables them.
create function pgflow._events_wanted()
returns boolean
language sql
stable
set search_path = ''
set enable_seqscan = on
as $$
  select x.mode not in ('auto', 'off', 'false', '0')
      or to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null
      or (x.mode = 'auto' and exists (select from pgflow.subscriptions as s where s.expires_at > clock_timestamp()))
    from (select lower(coalesce(nullif(current_setting('pgflow.notify', true), ''), 'auto')) as mode) as x;
$$;
