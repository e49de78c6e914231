begin;
select plan(2);

-- deps_slugs null means no dependencies.
select pgflow.create_flow('as_nulldeps');
select results_eq($$ select step_slug, deps_count from pgflow.add_step('as_nulldeps', 'a', null::text[]) $$,
  $$ values ('a'::text, 0) $$, 'a null deps array adds a root step');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'as_nulldeps' $$, 'no deps rows');

select * from finish();
rollback;
