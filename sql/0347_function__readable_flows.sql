
-- _readable_flows( reader )
-- The flows whose rows reader may read, for the row-level security policies
-- of flows, steps, deps, runs, step_states and step_tasks, which call it
-- once per query as (select pgflow._readable_flows(current_user::regrole))
-- (an InitPlan) and keep the rows whose flow_slug = any of it: a plain
-- comparison of the column, so that the tables' indexes serve the queries.
-- (reader is a regrole, not a name: a result computed from a name would
-- carry the name type's collation "C", and flow_slug's indexes, of the
-- default collation, could not serve the comparison.)
-- Every flow (as it is at the query, flows created later included) for a
-- reader that grant_admin, or grant_client for every flow, made an admin or
-- client, itself or a role whose privileges it has; the flows grant_client
-- gave it otherwise; none for anyone else (a role given select on the tables
-- some other way sees no row). The owner and superusers bypass row-level
-- security and never get here. SECURITY DEFINER: it reads pgflow.grants,
-- which clients may not read, and pgflow.flows without its policy. So that
-- it tells nobody what another role may read, it answers only for a reader
-- whose privileges the caller (pgflow._caller()) has, and none otherwise.
-- PL/pgSQL, not SQL: PL/pgSQL keeps its plans for the session, where a SQL
-- function with settings is planned again at every query (measured: 90 µs
-- per query, where a read of a run by its id costs 3 µs; 15 µs in PL/pgSQL).
create function pgflow._readable_flows(reader regrole)
returns text[]
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_every boolean;
  v_flows text[];
begin
  if not pg_catalog.pg_has_role(pgflow._caller(), _readable_flows.reader, 'MEMBER') then
    return '{}'::text[];
  end if;
  -- one scan of the reader's grants: every flow, or some
  select coalesce(bool_or(g.flow_slug is null), false), array_agg(g.flow_slug) filter (where g.flow_slug is not null)
    into v_every, v_flows
    from pgflow.grants as g
   where g.kind in ('client', 'admin') and pg_catalog.pg_has_role(_readable_flows.reader, g.role, 'USAGE');
  if v_every then
    return array(select f.flow_slug from pgflow.flows as f);
  end if;
  return coalesce(v_flows, '{}');
end;
$$;
