
-- _idempotent_run_id( flow_slug, idempotency_key )
-- The run id of a run started with an idempotency key and no run id: a
-- name-based uuid (RFC 9562's version 8 with SHA-256, uuid v5's recipe with
-- a hash PostgreSQL has built in), the first 16 bytes of sha256 over a
-- namespace of pgflow's own and "<flow_slug>:<idempotency_key>" (a slug
-- holds no ':', so two pairs never hash the same text), with the version
-- and variant bits set. Two starts of a flow with one key get one run id,
-- so the primary key keeps them apart: on plain PostgreSQL as the unique
-- index on (flow_slug, idempotency_key) does, and on Citus, where that
-- index cannot be unique (docs/scaling.md), alone. The same pair gives the
-- same id in every database and version. Null where either is null.
create function pgflow._idempotent_run_id(flow_slug text, idempotency_key text)
returns uuid
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select pg_catalog.encode(
           pg_catalog.set_byte(pg_catalog.set_byte(h.b, 6, (pg_catalog.get_byte(h.b, 6) & 15) | 128),
                               8, (pg_catalog.get_byte(h.b, 8) & 63) | 128),
           'hex')::uuid
    from (select pg_catalog.substr(
                   pg_catalog.sha256(pg_catalog.decode('8c3f1b0e5a7d4e2f9b6c0d1e2f3a4b5c', 'hex')
                                     || pg_catalog.convert_to(_idempotent_run_id.flow_slug || ':'
                                                              || _idempotent_run_id.idempotency_key, 'UTF8')),
                   1, 16) as b) as h;
$$;

revoke all on function pgflow._idempotent_run_id(text, text) from public;
