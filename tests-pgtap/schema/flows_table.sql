begin;
select plan(25);

-- pgflow.flows: the contract's columns, their types, nullability and defaults.
select has_table('pgflow', 'flows', 'table pgflow.flows exists');
select columns_are('pgflow', 'flows',
  array['flow_slug', 'opt_max_attempts', 'opt_base_delay', 'opt_timeout', 'created_at', 'shape_hash'],
  'pgflow.flows has the documented columns');
select has_pk('pgflow', 'flows', 'pgflow.flows has a primary key');
select col_is_pk('pgflow', 'flows', 'flow_slug', 'flow_slug is the primary key');

select col_type_is('pgflow', 'flows', 'flow_slug', 'text', 'flow_slug is text');
select col_type_is('pgflow', 'flows', 'opt_max_attempts', 'integer', 'opt_max_attempts is integer');
select col_type_is('pgflow', 'flows', 'opt_base_delay', 'integer', 'opt_base_delay is integer');
select col_type_is('pgflow', 'flows', 'opt_timeout', 'integer', 'opt_timeout is integer');
select col_type_is('pgflow', 'flows', 'created_at', 'timestamp with time zone', 'created_at is timestamptz');
select col_type_is('pgflow', 'flows', 'shape_hash', 'text', 'shape_hash is text (hex sha256 of the shape)');

select col_not_null('pgflow', 'flows', 'flow_slug', 'flow_slug is not null');
select col_not_null('pgflow', 'flows', 'opt_max_attempts', 'opt_max_attempts is not null');
select col_not_null('pgflow', 'flows', 'opt_base_delay', 'opt_base_delay is not null');
select col_not_null('pgflow', 'flows', 'opt_timeout', 'opt_timeout is not null');
select col_not_null('pgflow', 'flows', 'created_at', 'created_at is not null');

select col_hasnt_default('pgflow', 'flows', 'flow_slug', 'flow_slug has no default');
select col_default_is('pgflow', 'flows', 'opt_max_attempts', 3, 'opt_max_attempts defaults to 3');
select col_default_is('pgflow', 'flows', 'opt_base_delay', 1, 'opt_base_delay defaults to 1');
select col_default_is('pgflow', 'flows', 'opt_timeout', 60, 'opt_timeout defaults to 60');
select col_default_is('pgflow', 'flows', 'created_at', 'now()', 'created_at defaults to now()');

-- The option checks: max_attempts >= 0, base_delay >= 0, timeout > 0.
select throws_ok($$ insert into pgflow.flows (flow_slug, opt_max_attempts) values ('sch_fl_a', -1) $$,
  '23514', null, 'a negative opt_max_attempts violates a check');
select throws_ok($$ insert into pgflow.flows (flow_slug, opt_base_delay) values ('sch_fl_b', -1) $$,
  '23514', null, 'a negative opt_base_delay violates a check');
select throws_ok($$ insert into pgflow.flows (flow_slug, opt_timeout) values ('sch_fl_c', 0) $$,
  '23514', null, 'a zero opt_timeout violates a check');
select throws_ok($$ insert into pgflow.flows (flow_slug) values ('sch-fl') $$,
  '23514', null, 'an invalid slug violates a check');
select is_empty($$ select 1 from pgflow.flows where flow_slug like 'sch_fl%' or flow_slug = 'sch-fl' $$,
  'no row was inserted');

select * from finish();
rollback;
