begin;
select plan(4);

-- add_step( flow_slug, step_slug, deps_slugs ): one deps row per dependency, deps_count.
select pgflow.create_flow('as_deps');
select pgflow.add_step('as_deps', 'load_recipients');
select pgflow.add_step('as_deps', 'validate_content');
select results_eq(
  $$ select step_slug, deps_count, step_index
       from pgflow.add_step('as_deps', 'send_emails', array['validate_content', 'load_recipients']) $$,
  $$ values ('send_emails'::text, 2, 2) $$, 'returns the step with its deps_count');
select results_eq(
  $$ select dep_slug, step_slug from pgflow.deps where flow_slug = 'as_deps' order by dep_slug $$,
  $$ values ('load_recipients'::text, 'send_emails'::text), ('validate_content', 'send_emails') $$,
  'one deps row per dependency');
select results_eq(
  $$ select step_slug, deps_count from pgflow.steps where flow_slug = 'as_deps' order by step_index $$,
  $$ values ('load_recipients'::text, 0), ('validate_content', 0), ('send_emails', 2) $$,
  'deps_count is stored per step');
select results_eq(
  $$ select step_slug, step_index, deps_count from pgflow.add_step('as_deps', 'archive', array[]::text[]) $$,
  $$ values ('archive'::text, 3, 0) $$, 'an empty dependency array makes a root step');

select * from finish();
rollback;
