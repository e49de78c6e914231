begin;
select plan(6);

-- Adding the same step again returns the existing row and adds nothing.
select pgflow.create_flow('as_again');
select pgflow.add_step('as_again', 'a');
select pgflow.add_step('as_again', 'b');
select pgflow.add_step('as_again', 'c', array['a', 'b'], 4, 2, 30, 5);
update pgflow.steps set created_at = created_at - interval '1 hour' where flow_slug = 'as_again';

select results_eq($$ select * from pgflow.add_step('as_again', 'c', array['a', 'b'], 4, 2, 30, 5) $$,
  $$ select * from pgflow.steps where flow_slug = 'as_again' and step_slug = 'c' $$,
  'the same call returns the existing row');
select results_eq($$ select step_index, created_at from pgflow.add_step('as_again', 'c', array['b', 'a'], 4, 2, 30, 5) $$,
  $$ values (2, now() - interval '1 hour') $$, 'dependencies in another order are the same step');
select results_eq($$ select step_index from pgflow.add_step('as_again', 'a') $$, $$ values (0) $$,
  'a root step again keeps its index');
select results_eq($$ select step_index from pgflow.add_step('as_again', 'a', array[]::text[]) $$, $$ values (0) $$,
  'a root step again through the deps overload with no deps');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'as_again'), 3, 'still three steps');
select is((select count(*)::integer from pgflow.deps where flow_slug = 'as_again'), 2, 'still two deps rows');

select * from finish();
rollback;
