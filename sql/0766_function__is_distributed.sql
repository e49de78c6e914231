
-- _is_distributed()
-- Whether pgflow's tables are distributed by Citus (docs/scaling.md):
-- pgflow.distribute() sets pgflow.distributed = on on each of pgflow's
-- functions, so this is true inside them after it ran, and false on plain
-- PostgreSQL. The few statements that need another form on Citus (a
-- FOR UPDATE over many runs, which Citus refuses: it locks rows of one
-- shard per statement) choose by it, and plain PostgreSQL keeps its own.
-- Reading a setting costs no catalog lookup on the hot path.
create function pgflow._is_distributed()
returns boolean
language sql
stable
parallel safe
set search_path = ''
as $$
  select coalesce(pg_catalog.current_setting('pgflow.distributed', true), '') = 'on';
$$;

revoke all on function pgflow._is_distributed() from public;
