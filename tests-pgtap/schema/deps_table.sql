begin;
select plan(14);

-- pgflow.deps: edges of the DAG, no self-dependency.
select has_table('pgflow', 'deps', 'table pgflow.deps exists');
select columns_are('pgflow', 'deps', array['flow_slug', 'dep_slug', 'step_slug', 'created_at'],
  'pgflow.deps has the documented columns');
select col_is_pk('pgflow', 'deps', array['flow_slug', 'dep_slug', 'step_slug'],
  'the primary key is (flow_slug, dep_slug, step_slug)');

select col_type_is('pgflow', 'deps', 'flow_slug', 'text', 'flow_slug is text');
select col_type_is('pgflow', 'deps', 'dep_slug', 'text', 'dep_slug is text');
select col_type_is('pgflow', 'deps', 'step_slug', 'text', 'step_slug is text');
select col_type_is('pgflow', 'deps', 'created_at', 'timestamp with time zone', 'created_at is timestamptz');
select col_not_null('pgflow', 'deps', 'flow_slug', 'flow_slug is not null');
select col_not_null('pgflow', 'deps', 'dep_slug', 'dep_slug is not null');
select col_not_null('pgflow', 'deps', 'step_slug', 'step_slug is not null');
select col_not_null('pgflow', 'deps', 'created_at', 'created_at is not null');
select col_default_is('pgflow', 'deps', 'created_at', 'now()', 'created_at defaults to now()');

-- The documented constraint: dep_slug <> step_slug.
select pgflow.create_flow('sch_deps');
select pgflow.add_step('sch_deps', 'a');
select throws_ok($$ insert into pgflow.deps (flow_slug, dep_slug, step_slug) values ('sch_deps', 'a', 'a') $$,
  '23514', null, 'a step depending on itself violates a check');
select is_empty($$ select 1 from pgflow.deps where flow_slug = 'sch_deps' $$, 'no edge was inserted');

select * from finish();
rollback;
