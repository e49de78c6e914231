
-- _flow_shape( flow_slug )
-- The canonical shape of a flow: its steps in step_index order, each with its
-- slug, step type, dependencies (sorted) and condition (run_if, run_unless,
-- and when_unmet where there is a condition), as
--   {"steps": [{"slug": "a", "type": "single", "deps": []}, ...]}
-- Options (max_attempts, base_delay, timeout, start_delay) are not part of
-- the shape. The per-step object is built here and only here: a new part of
-- a step's definition is one more key below (keys whose value is JSON null are
-- left out, so that a step without it keeps its shape), plus its name in
-- _normalize_shape. An unknown flow has the shape of a flow without steps.
create function pgflow._flow_shape(flow_slug text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('steps', coalesce(jsonb_agg(
           (select jsonb_object_agg(e.key, e.value)
              from jsonb_each(jsonb_build_object(
                     'slug', s.step_slug,
                     'type', s.step_type,
                     'deps', to_jsonb(array(select d.dep_slug
                                               from pgflow.deps as d
                                              where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug
                                              order by d.dep_slug)),
                     'run_if', s.run_if,
                     'run_unless', s.run_unless,
                     -- when_unmet matters only with a condition
                     'when_unmet', case when s.run_if is not null or s.run_unless is not null
                                        then to_jsonb(s.when_unmet) end)) as e
             where e.value <> 'null'::jsonb)
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
-- Sets the flow's shape_hash from its steps; create_flow and add_step call it
-- whenever the shape may have changed. Returns the updated flow row.
create function pgflow._store_shape_hash(flow_slug text)
returns pgflow.flows
language sql
volatile
set search_path = ''
as $$
  update pgflow.flows as f
     set shape_hash = pgflow._shape_hash(pgflow._flow_shape(f.flow_slug))
   where f.flow_slug = _store_shape_hash.flow_slug
  returning f.*;
$$;
