begin;
select plan(7);

-- The documented constraints of pgflow.runs hold against direct writes:
-- statuses started/completed/failed, completed_at XOR failed_at, ordered timestamps.
select pgflow.create_flow('sch_runchk');
select pgflow.add_step('sch_runchk', 'a');
select run_id as rid from pgflow.start_flow('sch_runchk', '{}') \gset

select throws_ok(format($$ update pgflow.runs set status = 'paused' where run_id = %L $$, :'rid'),
  '23514', null, 'a status other than started/completed/failed is refused');
select throws_ok(format($$ update pgflow.runs set status = 'completed', remaining_steps = 0,
                                completed_at = now(), failed_at = now() where run_id = %L $$, :'rid'),
  '23514', null, 'completed_at and failed_at together are refused');
select throws_ok(format($$ update pgflow.runs set status = 'failed', failed_at = started_at - interval '1 second'
                           where run_id = %L $$, :'rid'),
  '23514', null, 'failed_at before started_at is refused');
select throws_ok(format($$ update pgflow.runs set status = 'completed', remaining_steps = 0,
                                completed_at = started_at - interval '1 second' where run_id = %L $$, :'rid'),
  '23514', null, 'completed_at before started_at is refused');
select throws_ok(format($$ update pgflow.runs set status = 'completed' where run_id = %L $$, :'rid'),
  '23514', null, 'a completed status without completed_at is refused');
select results_eq(format($$ select status, completed_at, failed_at from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('started'::text, null::timestamptz, null::timestamptz) $$,
  'the run is unchanged');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold');

select * from finish();
rollback;
