begin;
select plan(4);

-- add_step( flow_slug, step_slug ): a root step, single, index 0, no overrides.
select pgflow.create_flow('as_root');
select results_eq(
  $$ select flow_slug, step_slug, step_type, step_index, deps_count,
            opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
       from pgflow.add_step('as_root', 'load_recipients') $$,
  $$ values ('as_root'::text, 'load_recipients'::text, 'single'::text, 0, 0,
             null::integer, null::integer, null::integer, null::integer) $$,
  'returns the new step');
select results_eq(
  $$ select step_slug, step_type, step_index, deps_count from pgflow.steps where flow_slug = 'as_root' $$,
  $$ values ('load_recipients'::text, 'single'::text, 0, 0) $$, 'stores one step row');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_root' $$, 'and no dependency');
select is((select created_at from pgflow.steps where flow_slug = 'as_root'), now(), 'created_at is now');

select * from finish();
rollback;
