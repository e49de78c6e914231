
-- Who wants events right now: one row per notification channel ('pgflow_events'
-- or a flow slug) while someone listens to it, until expires_at. Listeners
-- renew their subscription (pgflow.subscribe) while they listen; pg_notify is
-- only paid for where someone listens (see _emit_event). Unlogged: after a
-- crash the table is empty and listeners subscribe again when they renew.
create unlogged table pgflow.subscriptions (
  channel    text        not null primary key,
  expires_at timestamptz not null
);
