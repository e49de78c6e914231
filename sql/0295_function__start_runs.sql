
-- _start_runs( flow_slug, inputs, run_ids, idempotency_keys )
-- What start_flow and start_flows share: starts one run of the flow per
-- input (inputs[i], with run id run_ids[i], a new one where that is null,
-- and idempotency key idempotency_keys[i], checked by the caller),
-- all in one go: the runs, one step_state per step of each, their run:started
-- events, and one cascade for all of them, which queues every root step with
-- one send_batch. A root step with tasks is inserted started when the flow
-- has no conditions (they are tested before anything starts): one row
-- version less per run than starting it in the cascade. Returns the runs in
-- the order of their inputs. One bad input and no run starts.
-- An input whose key a run of the flow has already (or an earlier input of
-- the call) starts nothing and returns that run (its run id, if given, is
-- not used). An input with a key and no run id gets the run id derived from
-- the key (_idempotent_run_id), so the primary key, and on plain
-- PostgreSQL the key's unique index too, makes a second session that starts
-- the same key at the same time wait for the first one's commit and then
-- return its run (or, should the first roll back, start it itself). On
-- Citus the key's index is not unique: there only the derived run id keeps
-- two starts of one key apart (an explicit run id with a key is the
-- caller's to keep unique).
create function pgflow._start_runs(flow_slug text, inputs jsonb[], run_ids uuid[],
                                   idempotency_keys text[] default null)
returns setof pgflow.runs
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_ids        uuid[];
  v_step_count integer;
  v_root_map   text;
  v_bad        record;
  v_inserted   integer;
  v_conditions boolean;
  v_started    pgflow.step_states[];
  v_new_ids    uuid[];
  v_new_inputs jsonb[];
  v_first      boolean[];
  v_dup        record;
begin
  if _start_runs.flow_slug is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'flow slug must not be null',
      hint    = 'Name the flow to start.';
  end if;

  -- Waits for an add_step in progress, so the runs see the flow's final steps.
  perform from pgflow.flows as f where f.flow_slug = _start_runs.flow_slug for key share;
  if not found then
    raise exception using
      errcode = 'undefined_object',
      message = format('flow "%s" does not exist', left(_start_runs.flow_slug, 200)),
      hint    = 'Create it with pgflow.create_flow() and pgflow.add_step().';
  end if;

  select count(*)::integer, min(s.step_slug) filter (where s.step_type = 'map' and s.deps_count = 0),
         bool_or(s.run_if is not null or s.run_unless is not null)
    into v_step_count, v_root_map, v_conditions
    from pgflow.steps as s
   where s.flow_slug = _start_runs.flow_slug;
  if v_step_count = 0 then
    raise exception using
      errcode = 'object_not_in_prerequisite_state',
      message = format('flow "%s" has no steps', _start_runs.flow_slug),
      hint    = 'Add steps with pgflow.add_step() before starting it.';
  end if;
  if v_root_map is not null then
    select u.n, jsonb_typeof(u.input) as type into v_bad
      from unnest(_start_runs.inputs) with ordinality as u(input, n)
     where u.input is null or jsonb_typeof(u.input) <> 'array'
     order by u.n
     limit 1;
    if found then
      -- upstream pgflow 0.8.1's code and words, which its callers match (0.2.9)
      raise exception using
        errcode = 'raise_exception',
        message = case when v_bad.type is null
                    then format('Flow %s has root map steps but input is NULL', _start_runs.flow_slug)
                    else format('Flow %s has root map steps but input is not an array (got %s)',
                                _start_runs.flow_slug, v_bad.type) end,
        detail  = format('input of flow "%s" must be an array: step "%s" maps over it, got %s',
                         _start_runs.flow_slug, v_root_map, coalesce(v_bad.type, 'NULL')),
        hint    = 'Start the run with a JSON array; each element becomes one task of the map step.';
    end if;
  end if;

  if _start_runs.idempotency_keys is null then
    v_ids := array(select coalesce(u.id, gen_random_uuid())
                     from unnest(_start_runs.inputs, _start_runs.run_ids) with ordinality as u(input, id, n)
                    order by u.n);
  else
    v_ids := array(select coalesce(u.id, pgflow._idempotent_run_id(_start_runs.flow_slug, u.k), gen_random_uuid())
                     from unnest(_start_runs.inputs, _start_runs.run_ids, _start_runs.idempotency_keys)
                            with ordinality as u(input, id, k, n)
                    order by u.n);
  end if;

  -- A key repeated in the call: its later inputs get its first input's run
  -- (v_first: the input is the first of its key, or has none).
  if _start_runs.idempotency_keys is not null then
    select array_agg(w.id order by w.n), array_agg(w.first order by w.n)
      into v_ids, v_first
      from (select case when u.k is null then u.id else first_value(u.id) over k end as id,
                   u.k is null or row_number() over k = 1 as first, u.n
              from unnest(v_ids, _start_runs.idempotency_keys) with ordinality as u(id, k, n)
            window k as (partition by u.k order by u.n)) as w;
  end if;

  with inserted as (
    insert into pgflow.runs (run_id, flow_slug, input, remaining_steps, idempotency_key)
    select u.id, _start_runs.flow_slug, u.input, v_step_count, u.k
      from unnest(v_ids, _start_runs.inputs, _start_runs.idempotency_keys, v_first) as u(id, input, k, first)
     where u.first is not false
    on conflict do nothing
    returning run_id
  )
  select array_agg(i.run_id) into v_new_ids from inserted as i;
  v_inserted := coalesce(cardinality(v_new_ids), 0);

  if v_first is null then
    if v_inserted < cardinality(v_ids) then
      raise exception using
        errcode = 'unique_violation',
        -- only start_flow names a run id, one at a time
        message = format('run "%s" already exists', v_ids[1]),
        hint    = 'Each run needs its own run_id; leave it out to get a new one.';
    end if;
    v_new_ids    := v_ids;
    v_new_inputs := _start_runs.inputs;
  elsif v_inserted = cardinality(array_remove(v_first, false)) then
    -- every key new
    select array_agg(u.id order by u.n), array_agg(u.input order by u.n)
      into v_new_ids, v_new_inputs
      from unnest(v_ids, _start_runs.inputs, v_first) with ordinality as u(id, input, first, n)
     where u.first;
  else
    -- Not inserted: a run of the flow has the key (return it), or the run id
    -- is taken (an error). The rare path: it compares every input with every
    -- new run.
    for v_dup in
      select u.id, r.run_id as existing
        from unnest(v_ids, _start_runs.idempotency_keys, v_first) with ordinality as u(id, k, first, n)
        left join pgflow.runs as r on r.flow_slug = _start_runs.flow_slug and r.idempotency_key = u.k
       where u.first and u.id <> all(coalesce(v_new_ids, '{}'))
       order by u.n
    loop
      if v_dup.existing is null then
        raise exception using
          errcode = 'unique_violation',
          message = format('run "%s" already exists', v_dup.id),
          hint    = 'Each run needs its own run_id; leave it out to get a new one.';
      end if;
    end loop;
    -- Every input with a key gets the run that holds it, new or not.
    select array_agg(coalesce(r.run_id, u.id) order by u.n),
           array_agg(u.id order by u.n) filter (where u.first and u.id = any(coalesce(v_new_ids, '{}'))),
           array_agg(u.input order by u.n) filter (where u.first and u.id = any(coalesce(v_new_ids, '{}')))
      into v_ids, v_new_ids, v_new_inputs
      from unnest(v_ids, _start_runs.idempotency_keys, v_first, _start_runs.inputs) with ordinality
             as u(id, k, first, input, n)
      left join pgflow.runs as r on r.flow_slug = _start_runs.flow_slug and r.idempotency_key = u.k;
    if v_new_ids is null then
      return query
      select r.*
        from unnest(v_ids) with ordinality as u(id, n)
        join pgflow.runs as r on r.run_id = u.id
       order by u.n;
      return;
    end if;
  end if;

  with inserted as (
    insert into pgflow.step_states (flow_slug, run_id, step_slug, remaining_deps, initial_tasks,
                                    status, started_at, remaining_tasks)
    select s.flow_slug, u.id, s.step_slug, s.deps_count, c.n,
           case when t.start_now then 'started' else 'created' end,
           case when t.start_now then now() end,
           case when t.start_now then c.n end
      from unnest(v_new_ids, v_new_inputs) as u(id, input)
     cross join pgflow.steps as s
     cross join lateral (select case when s.step_type in ('single', 'signal') then 1
                                     when s.deps_count = 0 then jsonb_array_length(u.input) end as n) as c
     cross join lateral (select not v_conditions and s.deps_count = 0 and c.n > 0 as start_now) as t
     where s.flow_slug = _start_runs.flow_slug
    returning *
  )
  select array_agg(i::pgflow.step_states order by i.run_id, i.step_slug) filter (where i.status = 'started')
    into v_started
    from inserted as i;

  if pgflow._events_wanted() then
    perform pgflow._emit_event(_start_runs.flow_slug, u.id, 'run:started',
              jsonb_build_object('status', 'started', 'started_at', now(), 'remaining_steps', v_step_count,
                                 'input', u.input))
       from unnest(v_new_ids, v_new_inputs) with ordinality as u(id, input, n)
      order by u.n;
  end if;

  perform pgflow._cascade(v_new_ids, array[_start_runs.flow_slug], null, null, v_started);

  return query
  select r.*
    from unnest(v_ids) with ordinality as u(id, n)
    join pgflow.runs as r on r.run_id = u.id
   order by u.n;
end;
$$;
