begin;
select plan(7);

-- Completing "seed" cascades into a map of 20000 tasks; a statement_timeout
-- that strikes in the middle must leave the run exactly as it was.
select pgflow.create_flow('at_timeout', 3, 0, 60);
select pgflow.add_step('at_timeout', 'seed');
select pgflow.add_step('at_timeout', 'fan', array['seed'], step_type => 'map');
select run_id as rid from pgflow.start_flow('at_timeout', '{}') \gset
select is((select count(*)::integer from pgflow_tests.read_and_start('at_timeout')), 1, 'seed started');

-- A query cancel cannot be caught in PL/pgSQL (throws_ok), so: a savepoint.
\set ON_ERROR_STOP 0
savepoint before_cancel;
set local statement_timeout = '50ms';
select pgflow.complete_task(:'rid', 'seed', 0, (select jsonb_agg(i) from generate_series(1, 20000) as i));
\set cancelled :LAST_ERROR_SQLSTATE
rollback to savepoint before_cancel;
\set ON_ERROR_STOP 1
select is(:'cancelled'::text, '57014', 'the cascade is cancelled by statement_timeout');

select is((select status from pgflow.step_tasks where run_id = :'rid' and step_slug = 'seed'), 'started',
  'the task is still started');
select is((select status from pgflow.step_states where run_id = :'rid' and step_slug = 'seed'), 'started',
  'its step is still started');
select is((select count(*)::integer from pgflow.step_tasks where run_id = :'rid' and step_slug = 'fan'), 0,
  'no map task was left behind');
select is(cardinality(pgflow_tests.queue_message_ids('at_timeout')), 1, 'the queue holds only seed''s message');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
