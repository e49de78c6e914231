
-- _emit_event( flow_slug, run_id, event_type, payload )
-- Sends one state-change event, in the caller's transaction, with pg_notify on
-- the global channel pgflow_events and on the flow's own channel (the flow
-- slug; at most 47 characters, so always a valid channel name). The message is
--   {"payload": {...}, "event": "<event_type>", "topic": "<flow_slug>", "timestamp": <epoch>}
-- and never carries outputs or inputs, so it stays far below NOTIFY's 8000-byte limit;
-- error messages are cut to 1000 characters. Where the database owner turned
-- Supabase Realtime on (pgflow.realtime = on) and realtime.send() is trusted
-- (_realtime_send), it gets the event too, with the output or input, on topic
-- pgflow:run:<run_id>, named run:<status> or step:<step_slug>:<status>.
-- pg_notify costs: PostgreSQL serializes the commits of notifying
-- transactions. So the setting pgflow.notify (per database, role or session)
-- decides: auto (the default) notifies only the channels someone subscribed
-- to (pgflow.subscribe), on notifies both channels always, off never.
create function pgflow._emit_event(flow_slug text, run_id uuid, event_type text, payload jsonb)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_mode     text := lower(coalesce(nullif(current_setting('pgflow.notify', true), ''), 'auto'));
  v_send     regprocedure := pgflow._realtime_send();
  v_channels text[];
  v_channel  text;
  v_payload  jsonb;
  v_message  text;
begin
  case
    when v_mode in ('on', 'true', '1') then
      v_channels := array['pgflow_events', _emit_event.flow_slug];
    when v_mode = 'auto' then
      v_channels := array(select s.channel from pgflow.subscriptions as s
                           where s.channel in ('pgflow_events', _emit_event.flow_slug)
                             and s.expires_at > clock_timestamp()
                           order by s.channel <> 'pgflow_events');
    when v_mode in ('off', 'false', '0') then
      v_channels := '{}';
    else
      raise exception using
        errcode = 'invalid_parameter_value',
        message = format('invalid value for pgflow.notify: "%s"', left(v_mode, 100)),
        hint    = 'pgflow.notify is auto (notify subscribed channels), on (always) or off (never).';
  end case;
  -- Nobody to tell: nothing to build (the common case on the hot path).
  if cardinality(v_channels) = 0 and v_send is null then
    return;
  end if;

  v_payload := jsonb_strip_nulls(
    jsonb_build_object('event_type', event_type, 'run_id', run_id, 'flow_slug', flow_slug)
    || (payload - 'output' - 'input')
    || case when payload ? 'error_message'
            then jsonb_build_object('error_message', left(payload ->> 'error_message', 1000))
            else '{}'::jsonb end);

  if cardinality(v_channels) > 0 then
    v_message := jsonb_build_object(
      'payload',   v_payload,
      'event',     event_type,
      'topic',     flow_slug,
      'timestamp', extract(epoch from clock_timestamp())
    )::text;
    foreach v_channel in array v_channels loop
      perform pg_notify(v_channel, v_message);
    end loop;
  end if;

  if v_send is not null then
    execute format('select %s($1::jsonb, $2::text, $3::text, false)', v_send::regproc)
      using v_payload || (payload - array(select k from jsonb_object_keys(payload) as k
                                           where k not in ('output', 'input'))),
            case when payload ? 'step_slug'
                 then format('step:%s:%s', payload ->> 'step_slug', payload ->> 'status')
                 else format('run:%s', payload ->> 'status') end,
            format('pgflow:run:%s', run_id);
  end if;
end;
$$;
