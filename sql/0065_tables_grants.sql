
-- What the grant helpers gave, one row each, so that pgflow knows its own
-- grants from those of the database's administrators:
--   worker      grant_worker, per flow (the flow's queue table)
--   client      grant_client, per flow, or flow_slug null for every flow
--               (flows created later included): the flows whose runs the
--               role starts and changes (_authorize_client) and reads (the
--               row-level security of the definition and runtime tables)
--   admin       grant_admin (flow_slug null): reads every flow
--   pgmq_usage  grant_worker granted usage on schema pgmq, which the role did
--               not hold before; revoke_all takes back only such a usage
-- revoke_all deletes the role's rows. A grant names a flow by its slug, and
-- no foreign key ties it to pgflow.flows (no foreign keys between config
-- tables: see the definition tables): a client's grant of a flow holds for a
-- flow deleted (delete_flow_and_data) and created again under that slug.
-- role is a regrole, so that pg_dump writes role names and a restore finds
-- the roles again (pg_upgrade keeps role oids). Written by the grant helpers
-- (which pgflow's owner calls) and read by _authorize_client and
-- _readable_flows.
create table pgflow.grants (
  role      regrole not null,
  kind      text    not null,
  flow_slug text,
  constraint grants_role_kind_flow_slug_key unique nulls not distinct (role, kind, flow_slug),
  constraint kind_is_valid check (kind in ('worker', 'client', 'admin', 'pgmq_usage')),
  constraint flow_slug_matches_kind check (
    case kind
      when 'worker' then flow_slug is not null
      when 'client' then true
      else flow_slug is null
    end
  )
);

select pg_catalog.pg_extension_config_dump('pgflow.grants', '');
