
-- _step_shape( flow_slug, step_slug, step_type, run_if, run_unless, when_unmet )
-- The canonical shape of one step, the element of _flow_shape's "steps":
-- its slug, step type, dependencies (sorted) and condition (run_if,
-- run_unless, and when_unmet where there is a condition). Options
-- (max_attempts, base_delay, timeout, start_delay) are not part of the
-- shape. The per-step object is built here and only here: a new part of a
-- step's definition is one more key below (keys whose value is JSON null are
-- left out, so that a step without it keeps its shape), plus its name in
-- _normalize_shape. It takes the step's columns, not its row: on Citus a
-- whole-row reference in a statement over pgflow.steps reaches the table's
-- shard with the shard's row type, which no function accepts.
create function pgflow._step_shape(flow_slug text, step_slug text, step_type text,
                                   run_if jsonb, run_unless jsonb, when_unmet text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_object_agg(e.key, e.value)
    from jsonb_each(jsonb_build_object(
           'slug', _step_shape.step_slug,
           'type', _step_shape.step_type,
           'deps', to_jsonb(array(select d.dep_slug
                                     from pgflow.deps as d
                                    where d.flow_slug = _step_shape.flow_slug
                                      and d.step_slug = _step_shape.step_slug
                                    order by d.dep_slug)),
           'run_if', _step_shape.run_if,
           'run_unless', _step_shape.run_unless,
           -- when_unmet matters only with a condition
           'when_unmet', case when _step_shape.run_if is not null or _step_shape.run_unless is not null
                              then to_jsonb(_step_shape.when_unmet) end)) as e
   where e.value <> 'null'::jsonb;
$$;

-- _flow_shape( flow_slug )
-- The canonical shape of a flow: its steps in step_index order, each as
-- _step_shape builds it, as
--   {"steps": [{"slug": "a", "type": "single", "deps": []}, ...]}
-- An unknown flow has the shape of a flow without steps.
create function pgflow._flow_shape(flow_slug text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('steps', coalesce(jsonb_agg(pgflow._step_shape(s.flow_slug, s.step_slug, s.step_type, s.run_if, s.run_unless, s.when_unmet)
                                                      order by s.step_index), '[]'::jsonb))
    from pgflow.steps as s
   where s.flow_slug = _flow_shape.flow_slug;
$$;

-- _shape_hash( shape )
-- The hex sha256 of a shape's jsonb text. jsonb stores an object's keys
-- sorted (by length, then bytes) and without duplicates, and prints them in
-- that order with fixed spacing, so equal shapes have equal text and hash,
-- in any database of the same pgflow version.
create function pgflow._shape_hash(shape jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select encode(pg_catalog.sha256(convert_to(shape::text, 'UTF8')), 'hex');
$$;

-- _store_shape_hash( flow_slug )
-- Sets the flow's shape_hash from its steps; create_flow calls it (and
-- _append_shape_hash when it cannot append). Returns the updated flow row.
-- It also keeps the shape's text for _append_shape_hash (see there).
create function pgflow._store_shape_hash(flow_slug text)
returns pgflow.flows
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_text text := pgflow._flow_shape(_store_shape_hash.flow_slug)::text;
  v_flow pgflow.flows%rowtype;
begin
  update pgflow.flows as f
     set shape_hash = pgflow._shape_hash_of_text(v_text)
   where f.flow_slug = _store_shape_hash.flow_slug
  returning f.* into v_flow;
  if found then
    perform pg_catalog.set_config('pgflow.shape_text', _store_shape_hash.flow_slug || E'\n' || v_text, false);
  end if;
  return v_flow;
end;
$$;

-- _shape_hash_of_text( shape_text )
-- _shape_hash of a shape given as its jsonb text.
create function pgflow._shape_hash_of_text(shape_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select encode(pg_catalog.sha256(convert_to(_shape_hash_of_text.shape_text, 'UTF8')), 'hex');
$$;

-- _append_shape_hash( flow_slug, step )
-- add_step's shape_hash update: step was just added as the flow's last step.
-- Rebuilding the whole shape per add_step made a flow of n steps cost n^2
-- (a 1000-step flow took 18 s). The shape's jsonb text is
-- {"steps": [<step 0>, <step 1>, ...]}, so the new shape's text is the
-- previous one with the new step's text appended, and only the hash (fast,
-- linear in bytes) is taken over the whole text. The previous text is kept
-- in the session's setting pgflow.shape_text as "<flow_slug>\n<text>"
-- (transactional like every setting: a rollback reverts it); it is used
-- only when its sha256 is the flow's current shape_hash, so a text left by
-- another flow, by a change of the flow in another session, or set by hand
-- is never appended to: the shape is then rebuilt from the steps
-- (_store_shape_hash). The caller holds the flow's row lock.
create function pgflow._append_shape_hash(flow_slug text, step pgflow.steps)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_cached text := current_setting('pgflow.shape_text', true);
  v_prefix text := _append_shape_hash.flow_slug || E'\n';
  v_old    text;
  v_text   text;
begin
  if v_cached is not null and left(v_cached, length(v_prefix)) = v_prefix then
    v_old := substr(v_cached, length(v_prefix) + 1);
    if right(v_old, 2) = ']}'
       and pgflow._shape_hash_of_text(v_old) = (select f.shape_hash from pgflow.flows as f
                                                 where f.flow_slug = _append_shape_hash.flow_slug) then
      v_text := left(v_old, -2)
                || case when v_old = '{"steps": []}' then '' else ', ' end
                || pgflow._step_shape(_append_shape_hash.step.flow_slug, _append_shape_hash.step.step_slug,
                                     _append_shape_hash.step.step_type, _append_shape_hash.step.run_if,
                                     _append_shape_hash.step.run_unless, _append_shape_hash.step.when_unmet)::text || ']}';
      update pgflow.flows as f
         set shape_hash = pgflow._shape_hash_of_text(v_text)
       where f.flow_slug = _append_shape_hash.flow_slug;
      perform pg_catalog.set_config('pgflow.shape_text', v_prefix || v_text, false);
      return;
    end if;
  end if;
  perform pgflow._store_shape_hash(_append_shape_hash.flow_slug);
end;
$$;
