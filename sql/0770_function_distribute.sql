
-- distribute()
-- On a Citus coordinator (docs/scaling.md): spreads pgflow's tables over the
-- worker nodes, once, and reports where each table lives.
--   reference tables (a copy on every node): flows, steps, deps, grants,
--     workers: the definitions every statement joins with, the grants that
--     row-level security reads beside the runtime rows, the workers that
--     requeue_stalled_tasks reads beside the tasks;
--   distributed by run_id, colocated with runs: runs, step_states,
--     step_tasks, signals (every runtime key starts with run_id, so one
--     run's rows are on one node and a statement about a run goes to one
--     shard);
--   local on the coordinator: subscriptions and schedules (LISTEN/NOTIFY
--     and pg_cron are the coordinator's), and pgmq's queues: pgmq is not
--     distributed (as a reference table pgmq.read's FOR UPDATE SKIP LOCKED
--     is refused, distributed its reads fail, and each flow's queue table
--     is created later by pgmq.create), and workers read their messages on
--     the coordinator they connect to.
-- The unique index runs_idempotency_key_idx (flow_slug, idempotency_key)
-- cannot exist on a table distributed by run_id: it becomes a plain index
-- of the same name (see docs/scaling.md for what that means for
-- start_flow's idempotency_key).
-- The functions that force generic plans get custom plans (Citus cannot
-- plan a generic one over distributed tables), and every function of pgflow
-- uses one connection per node (citus.multi_shard_modify_mode = sequential)
-- and knows it runs on Citus (pgflow.distributed = on, _is_distributed).
-- The row-level security policies (granted_flows) are made again without
-- their subquery, which Citus refuses in the policies of its tables.
-- Idempotent: a table already placed as above is left alone (changed is
-- false); a table placed otherwise is an error, and nothing changes. Citus's
-- functions are called only as members of the citus extension
-- (_citus_function). Refuses with feature_not_supported where citus is not
-- installed, and object_not_in_prerequisite_state where this database is
-- not a coordinator with worker nodes. pgflow's owner (or a superuser) calls
-- it: Citus distributes only the tables the caller owns.
create function pgflow.distribute()
returns table (table_name regclass, placement text, changed boolean)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_is_coordinator boolean;
  v_reference text;
  v_distributed text;
  v_truncate text;
  v_table regclass;
  v_method text;
  v_repmodel text;
  v_column text;
  v_column_name text;
  v_in_metadata boolean;
  v_runs_colocation integer;
  -- Citus's catalog, named in EXECUTE only: pgflow compiles without Citus
  v_partition text := 'pg_catalog.pg_dist_partition';
  v_has_rows boolean;
  v_any_change boolean := false;
  v_function regprocedure;
  v_old_mode text := pg_catalog.current_setting('citus.multi_shard_modify_mode', true);
  v_old_fkeys text := pg_catalog.current_setting('citus.enable_local_reference_table_foreign_keys', true);
begin
  -- raises feature_not_supported where citus is missing
  v_reference   := pgflow._citus_function('create_reference_table');
  v_distributed := pgflow._citus_function('create_distributed_table');
  v_truncate    := pgflow._citus_function('truncate_local_data_after_distributing_table');
  v_column_name := pgflow._citus_function('column_to_column_name');
  execute pg_catalog.format('select %s()', pgflow._citus_function('citus_is_coordinator')) into v_is_coordinator;
  if not coalesce(v_is_coordinator, false) then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('database "%s" is not on a Citus coordinator with worker nodes', pg_catalog.current_database()),
      hint    = 'Call pgflow.distribute() on the coordinator, after adding the worker nodes (select citus_add_node(host, port)).';
  end if;

  -- Citus's settings for this call only (restored below): one connection
  -- per node for the whole transaction, so that the reference tables made
  -- first may be used by the distributed ones next; no coordinator
  -- placements pulled in by foreign keys (pgflow has none between its tables).
  perform pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);
  perform pg_catalog.set_config('citus.enable_local_reference_table_foreign_keys', 'off', true);

  -- Check first, change after: a table placed otherwise changes nothing.
  for v_table, placement in
    select t.t, t.p from (values ('pgflow.flows'::regclass, 'reference'), ('pgflow.steps', 'reference'),
                                 ('pgflow.deps', 'reference'), ('pgflow.grants', 'reference'),
                                 ('pgflow.workers', 'reference'),
                                 ('pgflow.runs', 'distributed by run_id'), ('pgflow.step_states', 'distributed by run_id'),
                                 ('pgflow.step_tasks', 'distributed by run_id'), ('pgflow.signals', 'distributed by run_id'),
                                 ('pgflow.subscriptions', 'local'), ('pgflow.schedules', 'local')) as t (t, p)
  loop
    v_method := null; v_repmodel := null; v_column := null;
    execute pg_catalog.format($q$select p.partmethod::text, p.repmodel::text,
                                        case when p.partkey is not null then %s(p.logicalrelid, p.partkey) end
                                   from %s as p where p.logicalrelid = $1$q$, v_column_name, v_partition)
      into v_method, v_repmodel, v_column using v_table;
    if v_method is not null
       and not (placement = 'reference' and v_method = 'n' and v_repmodel = 't')
       and not (placement = 'distributed by run_id' and v_method = 'h' and v_column = 'run_id') then
      raise exception using
        errcode = 'object_not_in_prerequisite_state',
        message = format('table %s is already in Citus''s metadata (partition method "%s", column "%s"), not %s',
                         v_table, v_method, coalesce(v_column, ''), case placement when 'local' then 'a local table' else 'a ' || placement || ' table' end),
        hint    = 'Undo it with undistribute_table(), then call pgflow.distribute() again.';
    end if;
  end loop;

  for v_table, placement in
    select t.t, t.p from (values ('pgflow.flows'::regclass, 'reference'), ('pgflow.steps', 'reference'),
                                 ('pgflow.deps', 'reference'), ('pgflow.grants', 'reference'),
                                 ('pgflow.workers', 'reference'),
                                 ('pgflow.runs', 'distributed by run_id'), ('pgflow.step_states', 'distributed by run_id'),
                                 ('pgflow.step_tasks', 'distributed by run_id'), ('pgflow.signals', 'distributed by run_id'),
                                 ('pgflow.subscriptions', 'local'), ('pgflow.schedules', 'local')) as t (t, p)
  loop
    changed := false;
    execute pg_catalog.format('select exists (select from %s as p where p.logicalrelid = $1)', v_partition)
      into v_in_metadata using v_table;
    if placement <> 'local' and not v_in_metadata then
      execute pg_catalog.format('select exists (select from %s)', v_table) into v_has_rows;
      if v_table = 'pgflow.runs'::regclass then
        -- unique indexes of a distributed table must include run_id
        if exists (select from pg_catalog.pg_index as i
                    where i.indexrelid = pg_catalog.to_regclass('pgflow.runs_idempotency_key_idx') and i.indisunique) then
          drop index pgflow.runs_idempotency_key_idx;
          create index runs_idempotency_key_idx on pgflow.runs (flow_slug, idempotency_key)
            where idempotency_key is not null;
        end if;
      end if;
      -- Citus refuses subqueries in the policies of its tables: the reader's
      -- flows are read per row instead of once per query (an InitPlan)
      if exists (select from pg_catalog.pg_policy as p where p.polrelid = v_table and p.polname = 'granted_flows') then
        execute pg_catalog.format('drop policy granted_flows on %s', v_table);
        execute pg_catalog.format('create policy granted_flows on %s for select
                                     using (flow_slug = any (pgflow._readable_flows(current_user::regrole)))', v_table);
      end if;
      if placement = 'reference' then
        execute pg_catalog.format('select %s(table_name => $1)', v_reference) using v_table;
      elsif v_table = 'pgflow.runs'::regclass then
        execute pg_catalog.format('select %s(table_name => $1, distribution_column => $2, colocate_with => $3)', v_distributed)
          using v_table, 'run_id', 'none';
      else
        execute pg_catalog.format('select %s(table_name => $1, distribution_column => $2, colocate_with => $3)', v_distributed)
          using v_table, 'run_id', 'pgflow.runs';
      end if;
      -- the rows were copied to the shards; the coordinator's local copy goes
      if v_has_rows then
        execute pg_catalog.format('select %s(function_name => $1)', v_truncate) using v_table;
      end if;
      changed := true;
      v_any_change := true;
    end if;
    table_name := v_table;
    return next;
  end loop;

  -- every runtime table colocated with runs (rows of one run on one node)
  execute pg_catalog.format($q$select count(distinct p.colocationid)::integer from %s as p
              where p.logicalrelid = any (array['pgflow.runs', 'pgflow.step_states', 'pgflow.step_tasks', 'pgflow.signals']::regclass[])$q$,
                            v_partition)
    into v_runs_colocation;
  if v_runs_colocation <> 1 then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = 'pgflow''s runtime tables are distributed by run_id but not colocated with pgflow.runs',
      hint    = 'Undo their distribution with undistribute_table(), then call pgflow.distribute() again.';
  end if;

  -- Citus plans a statement over distributed tables only with its
  -- parameters' values: the functions that force generic plans (for plain
  -- PostgreSQL's speed) get custom plans here instead; an update that
  -- replaces them is followed by distribute() again (docs/scaling.md)
  for v_function in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and 'plan_cache_mode=force_generic_plan' = any (p.proconfig)
     order by p.oid::regprocedure::text
  loop
    execute pg_catalog.format('alter function %s set plan_cache_mode = force_custom_plan', v_function);
    raise notice 'function % now plans with its parameters'' values (plan_cache_mode = force_custom_plan)', v_function;
    v_any_change := true;
  end loop;

  -- One connection per node for each of pgflow's functions: a transaction
  -- that modified a run's shard over one connection and then reads or
  -- changes shards of the same node over another fails (cannot perform
  -- query with placements that were modified over multiple connections),
  -- which happened at random, by where the runs' shards were (start_flow
  -- after create_flow in one transaction, the cascade over several runs).
  -- Statements pinned to one run go over one connection anyway.
  for v_function in
    select p.oid::regprocedure from pg_catalog.pg_proc as p
     where p.pronamespace = 'pgflow'::regnamespace
       and p.prokind = 'f'
       and p.oid <> 'pgflow.distribute()'::regprocedure
       and not coalesce('citus.multi_shard_modify_mode=sequential' = any (p.proconfig), false)
     order by p.oid::regprocedure::text
  loop
    execute pg_catalog.format('alter function %s set citus.multi_shard_modify_mode = sequential', v_function);
    -- and the mark the functions that lock runs read (_is_distributed)
    execute pg_catalog.format('alter function %s set pgflow.distributed = on', v_function);
    v_any_change := true;
  end loop;

  if not v_any_change then
    raise notice 'pgflow is distributed already: nothing changed';
  end if;
  perform pg_catalog.set_config('citus.multi_shard_modify_mode', coalesce(v_old_mode, 'parallel'), true);
  perform pg_catalog.set_config('citus.enable_local_reference_table_foreign_keys', coalesce(v_old_fkeys, 'on'), true);
end;
$$;

revoke all on function pgflow.distribute() from public;
revoke all on function pgflow._citus_function(text) from public;

comment on function pgflow.distribute() is
  'on a Citus coordinator: makes the definitions reference tables and the runtime tables distributed by run_id, colocated; idempotent';
