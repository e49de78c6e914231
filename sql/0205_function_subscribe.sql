
-- subscribe( channel, ttl )
-- Asks for pg_notify events on a channel ('pgflow_events' for every flow, or
-- a flow's slug for its runs) for the next ttl (at most a day), and returns
-- until when. A listener calls it before LISTEN and again before it expires;
-- several listeners of one channel share its subscription, which lasts as long
-- as the latest of them asked. With pgflow.notify = auto (the default) events
-- go only to subscribed channels; on sends them everywhere, off nowhere.
create function pgflow.subscribe(channel text, ttl interval default interval '2 minutes')
returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_expires_at timestamptz;
begin
  if subscribe.channel is null or subscribe.ttl is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'channel and ttl must not be null',
      hint    = 'Subscribe to ''pgflow_events'' or to a flow''s slug, for an interval such as ''2 minutes''.';
  end if;
  -- A client subscribes to the flows it may use (_authorize_client, before
  -- anything about the flow is told), and to every flow's events on
  -- pgflow_events only when it may use every flow. (LISTEN itself needs no
  -- privilege in PostgreSQL: the channels' payloads carry ids, statuses and
  -- error messages, never inputs or outputs.)
  if subscribe.channel = 'pgflow_events' then
    if not pgflow._may_grant(pgflow._caller())
       and not exists (select from pgflow.grants as g
                        where g.kind = 'client' and g.flow_slug is null
                          and pg_catalog.pg_has_role(pgflow._caller(), g.role, 'USAGE')) then
      raise exception using
        errcode = 'insufficient_privilege',
        message = format('role "%s" may not subscribe to the events of every flow', pgflow._caller()),
        hint    = 'Subscribe to the channel of a flow you use (its slug), or ask the owner of pgflow for grant_client(role) of every flow.';
    end if;
  else
    perform pgflow._authorize_client(subscribe.channel);
  end if;
  if subscribe.channel <> 'pgflow_events'
     and not exists (select from pgflow.flows as f where f.flow_slug = subscribe.channel) then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(subscribe.channel, 200)),
      hint    = 'Events go to the channel pgflow_events and to a channel named after each flow.';
  end if;
  if subscribe.ttl <= interval '0' or subscribe.ttl > interval '1 day' then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('ttl %s is out of range', subscribe.ttl),
      hint    = 'A subscription lasts more than 0 and at most 1 day; renew it while you listen.';
  end if;

  insert into pgflow.subscriptions as s (channel, expires_at)
  values (subscribe.channel, clock_timestamp() + subscribe.ttl)
  on conflict on constraint subscriptions_pkey do update
     set expires_at = greatest(s.expires_at, excluded.expires_at)
  returning s.expires_at into v_expires_at;
  return v_expires_at;
end;
$$;

comment on function pgflow.subscribe(text, interval) is
  'asks for pg_notify events on a channel (pgflow_events or a flow slug) for a while';
