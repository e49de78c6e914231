begin;
select plan(41);

-- pgflow.steps: the contract's columns plus opt_start_delay.
select has_table('pgflow', 'steps', 'table pgflow.steps exists');
select columns_are('pgflow', 'steps',
  array['flow_slug', 'step_slug', 'step_type', 'step_index', 'deps_count',
        'opt_max_attempts', 'opt_base_delay', 'opt_timeout', 'opt_start_delay', 'created_at',
        'run_if', 'run_unless', 'when_unmet', 'when_exhausted'],
  'pgflow.steps has the documented columns, opt_start_delay, the condition columns and when_exhausted');
select col_is_pk('pgflow', 'steps', array['flow_slug', 'step_slug'], 'the primary key is (flow_slug, step_slug)');

select col_type_is('pgflow', 'steps', 'flow_slug', 'text', 'flow_slug is text');
select col_type_is('pgflow', 'steps', 'step_slug', 'text', 'step_slug is text');
select col_type_is('pgflow', 'steps', 'step_type', 'text', 'step_type is text');
select col_type_is('pgflow', 'steps', 'step_index', 'integer', 'step_index is integer');
select col_type_is('pgflow', 'steps', 'deps_count', 'integer', 'deps_count is integer');
select col_type_is('pgflow', 'steps', 'opt_max_attempts', 'integer', 'opt_max_attempts is integer');
select col_type_is('pgflow', 'steps', 'opt_base_delay', 'integer', 'opt_base_delay is integer');
select col_type_is('pgflow', 'steps', 'opt_timeout', 'integer', 'opt_timeout is integer');
select col_type_is('pgflow', 'steps', 'opt_start_delay', 'integer', 'opt_start_delay is integer');
select col_type_is('pgflow', 'steps', 'created_at', 'timestamp with time zone', 'created_at is timestamptz');
select col_type_is('pgflow', 'steps', 'run_if', 'jsonb', 'run_if is jsonb');
select col_type_is('pgflow', 'steps', 'run_unless', 'jsonb', 'run_unless is jsonb');
select col_type_is('pgflow', 'steps', 'when_unmet', 'text', 'when_unmet is text');
select col_is_null('pgflow', 'steps', 'run_if', 'run_if is nullable (no condition)');
select col_is_null('pgflow', 'steps', 'run_unless', 'run_unless is nullable (no condition)');
select col_not_null('pgflow', 'steps', 'when_unmet', 'when_unmet is not null');
select col_default_is('pgflow', 'steps', 'when_unmet', 'skip', 'when_unmet defaults to skip');
select col_type_is('pgflow', 'steps', 'when_exhausted', 'text', 'when_exhausted is text');
select col_not_null('pgflow', 'steps', 'when_exhausted', 'when_exhausted is not null');
select col_default_is('pgflow', 'steps', 'when_exhausted', 'fail', 'when_exhausted defaults to fail');

select col_not_null('pgflow', 'steps', 'flow_slug', 'flow_slug is not null');
select col_not_null('pgflow', 'steps', 'step_slug', 'step_slug is not null');
select col_not_null('pgflow', 'steps', 'step_type', 'step_type is not null');
select col_not_null('pgflow', 'steps', 'step_index', 'step_index is not null');
select col_not_null('pgflow', 'steps', 'deps_count', 'deps_count is not null');
select col_not_null('pgflow', 'steps', 'created_at', 'created_at is not null');
-- The overrides are nullable: null inherits the flow's option.
select col_is_null('pgflow', 'steps', 'opt_max_attempts', 'opt_max_attempts is nullable');
select col_is_null('pgflow', 'steps', 'opt_base_delay', 'opt_base_delay is nullable');
select col_is_null('pgflow', 'steps', 'opt_timeout', 'opt_timeout is nullable');
select col_is_null('pgflow', 'steps', 'opt_start_delay', 'opt_start_delay is nullable');

select col_default_is('pgflow', 'steps', 'step_type', 'single', 'step_type defaults to single');
select col_default_is('pgflow', 'steps', 'deps_count', 0, 'deps_count defaults to 0');
select col_default_is('pgflow', 'steps', 'created_at', 'now()', 'created_at defaults to now()');

-- step_type is 'single' or 'map'; step_index is unique within a flow.
select pgflow.create_flow('sch_steps');
select throws_ok($$ insert into pgflow.steps (flow_slug, step_slug, step_type) values ('sch_steps', 'a', 'loop') $$,
  '23514', null, 'a step_type other than single/map violates a check');
select throws_ok($$ insert into pgflow.steps (flow_slug, step_slug, run_if) values ('sch_steps', 'a', '[1]') $$,
  '23514', null, 'a run_if that is no JSON object violates a check');
select throws_ok($$ insert into pgflow.steps (flow_slug, step_slug, run_unless) values ('sch_steps', 'a', '"x"') $$,
  '23514', null, 'a run_unless that is no JSON object violates a check');
select throws_ok($$ insert into pgflow.steps (flow_slug, step_slug, when_unmet) values ('sch_steps', 'a', 'ignore') $$,
  '23514', null, 'a when_unmet other than skip/skip_cascade/fail violates a check');
select is_empty($$ select 1 from pgflow.steps where flow_slug = 'sch_steps' $$, 'no step was inserted');

select * from finish();
rollback;
