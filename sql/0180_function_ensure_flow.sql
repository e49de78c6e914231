
-- ensure_flow( flow_slug, shape, max_attempts, base_delay, timeout )
-- Registers a flow with all its steps, all or nothing, and refuses drift:
-- - the flow does not exist: creates it (create_flow) and adds the steps of
--   shape in order (add_step), with their options; any error leaves nothing;
-- - it exists with the same shape: a no-op that returns the flow row. Options
--   (the flow's and the steps') are not part of the shape and not applied:
--   change them with set_flow_options and set_step_options (a notice names
--   the given options that differ from the stored ones);
-- - it exists with another shape: duplicate_object, the message listing every
--   difference on a line of its own.
-- shape is {"steps": [{"slug", "type", "deps", "run_if", "run_unless", "when_unmet", "options"}, ...]} (see
-- _normalize_shape). Options left out (null) get create_flow's defaults.
-- Calls for the same slug take turns (a transaction-level advisory lock), so
-- two sessions ensuring one new flow at once both succeed: one creates it, the
-- other then finds it.
create function pgflow.ensure_flow(
  flow_slug    text,
  shape        jsonb,
  max_attempts integer default null,
  base_delay   integer default null,
  timeout      integer default null
)
returns pgflow.flows
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_shape jsonb;
  v_old   jsonb;
  v_flow  pgflow.flows%rowtype;
  v_step  jsonb;
  v_opts  jsonb;
  v_diff  text[];
begin
  perform pgflow._assert_slug('flow', ensure_flow.flow_slug);
  v_shape := pgflow._normalize_shape(ensure_flow.shape);
  perform pgflow._assert_option('max_attempts', ensure_flow.max_attempts, 0);
  perform pgflow._assert_option('base_delay', ensure_flow.base_delay, 0);
  perform pgflow._assert_option('timeout', ensure_flow.timeout, 1);

  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('pgflow.ensure_flow ' || lower(ensure_flow.flow_slug), 0));

  select * into v_flow from pgflow.flows as f where f.flow_slug = ensure_flow.flow_slug;
  if found then
    v_old := pgflow._flow_shape(ensure_flow.flow_slug);
    if v_old = v_shape then
      -- Options are not applied, but a difference is worth a notice.
      v_diff := array(
        select format('%s %s (given %s)', o.name, o.stored, o.given)
          from (values (1, 'max_attempts', v_flow.opt_max_attempts, ensure_flow.max_attempts),
                       (2, 'base_delay', v_flow.opt_base_delay, ensure_flow.base_delay),
                       (3, 'timeout', v_flow.opt_timeout, ensure_flow.timeout)) as o (n, name, stored, given)
         where o.given <> o.stored
         order by o.n)
        || array(
        select format('step "%s" %s %s (given %s)', s.step_slug, o.name,
                      coalesce(o.stored::text, 'inherited'), coalesce(o.given::text, 'inherited'))
          from jsonb_array_elements(ensure_flow.shape -> 'steps') as e (step)
          join pgflow.steps as s on s.flow_slug = ensure_flow.flow_slug and s.step_slug = e.step ->> 'slug'
         cross join lateral (values (1, 'max_attempts', s.opt_max_attempts, (e.step -> 'options' ->> 'max_attempts')::integer),
                                    (2, 'base_delay', s.opt_base_delay, (e.step -> 'options' ->> 'base_delay')::integer),
                                    (3, 'timeout', s.opt_timeout, (e.step -> 'options' ->> 'timeout')::integer),
                                    (4, 'start_delay', s.opt_start_delay, (e.step -> 'options' ->> 'start_delay')::integer))
                       as o (n, name, stored, given)
         where o.stored is distinct from o.given
         order by s.step_index, o.n);
      if cardinality(v_diff) > 0 then
        raise notice using
          message = format('flow "%s" has this shape already; its options stay as they are: %s',
                           ensure_flow.flow_slug, array_to_string(v_diff, ', ')),
          hint    = 'Options are not part of the shape: change them with pgflow.set_flow_options and pgflow.set_step_options.';
      end if;
      return v_flow;
    end if;
    v_diff := pgflow._shape_diff(v_old, v_shape);
    raise exception using
      errcode = 'duplicate_object',
      message = format(E'flow "%s" already exists with another shape:\n  %s',
                       ensure_flow.flow_slug, array_to_string(v_diff, E'\n  ')),
      detail  = format('shape_hash in the database %s, of the given shape %s',
                       v_flow.shape_hash, pgflow._shape_hash(v_shape)),
      hint    = format('Flows are immutable: register the new shape under a new flow slug (such as "%s_v2"), '
                       'or, in development, remove the old flow with pgflow.delete_flow_and_data(%L).',
                       ensure_flow.flow_slug, ensure_flow.flow_slug);
  end if;

  perform pgflow.create_flow(ensure_flow.flow_slug,
                             coalesce(ensure_flow.max_attempts, 3),
                             coalesce(ensure_flow.base_delay, 1),
                             coalesce(ensure_flow.timeout, 60));
  for v_step in
    select e.value from jsonb_array_elements(ensure_flow.shape -> 'steps') with ordinality as e (value, n) order by e.n
  loop
    v_opts := coalesce(nullif(v_step -> 'options', 'null'), '{}');
    perform pgflow.add_step(ensure_flow.flow_slug, v_step ->> 'slug',
                            array(select jsonb_array_elements_text(coalesce(nullif(v_step -> 'deps', 'null'), '[]'))),
                            max_attempts => (v_opts ->> 'max_attempts')::integer,
                            base_delay   => (v_opts ->> 'base_delay')::integer,
                            timeout      => (v_opts ->> 'timeout')::integer,
                            start_delay  => (v_opts ->> 'start_delay')::integer,
                            when_exhausted => v_opts ->> 'when_exhausted',
                            step_type    => coalesce(v_step ->> 'type', 'single'),
                            run_if       => nullif(v_step -> 'run_if', 'null'),
                            run_unless   => nullif(v_step -> 'run_unless', 'null'),
                            -- when_unmet means nothing without a condition (_normalize_shape drops it)
                            when_unmet   => case when nullif(v_step -> 'run_if', 'null') is not null
                                                   or nullif(v_step -> 'run_unless', 'null') is not null
                                                 then coalesce(v_step ->> 'when_unmet', 'skip')
                                                 else 'skip' end);
  end loop;

  select * into strict v_flow from pgflow.flows as f where f.flow_slug = ensure_flow.flow_slug;
  return v_flow;
end;
$$;

comment on function pgflow.ensure_flow(text, jsonb, integer, integer, integer) is
  'creates a flow with all its steps, or checks that the existing one has the same shape (a no-op) and lists every difference otherwise';
