begin;
select plan(2);

-- step_index counts up in the order steps are added (a topological order),
-- whatever their slugs sort as.
select pgflow.create_flow('as_order');
select pgflow.add_step('as_order', 'zeta');
select pgflow.add_step('as_order', 'alpha', array['zeta']);
select pgflow.add_step('as_order', 'mid');
select pgflow.add_step('as_order', 'beta', array['alpha', 'mid']);
select results_eq($$ select step_slug, step_index from pgflow.steps where flow_slug = 'as_order' order by step_index $$,
  $$ values ('zeta'::text, 0), ('alpha', 1), ('mid', 2), ('beta', 3) $$, 'indexes 0..3 in add order');

select pgflow.create_flow('as_order2');
select pgflow.add_step('as_order2', 'only');
select is((select step_index from pgflow.steps where flow_slug = 'as_order2'), 0,
  'each flow counts from 0');

select * from finish();
rollback;
