begin;
select plan(9);

-- The checks behind cancel_run and pause_run: paused iff paused_at, cancelled
-- iff cancelled_at, a reason only on a cancelled run.
select pgflow.create_flow('sc_cancel');
select pgflow.add_step('sc_cancel', 'a');
select run_id as rid from pgflow.start_flow('sc_cancel', '{}') \gset

select throws_ok(format($$ update pgflow.runs set status = 'paused' where run_id = %L $$, :'rid'),
  '23514', null, 'a paused run without paused_at is refused');
select throws_ok(format($$ update pgflow.runs set paused_at = now() where run_id = %L $$, :'rid'),
  '23514', null, 'paused_at on a started run is refused');
select throws_ok(format($$ update pgflow.runs set status = 'cancelled' where run_id = %L $$, :'rid'),
  '23514', null, 'a cancelled run without cancelled_at is refused');
select throws_ok(format($$ update pgflow.runs set cancel_reason = 'why' where run_id = %L $$, :'rid'),
  '23514', null, 'a reason on a run that is not cancelled is refused');
select throws_ok(format($$ update pgflow.runs set status = 'cancelled', cancelled_at = started_at - interval '1 s'
                           where run_id = %L $$, :'rid'),
  '23514', null, 'cancelled_at before started_at is refused');
select throws_ok(format($$ update pgflow.step_states set status = 'cancelled' where run_id = %L $$, :'rid'),
  '23514', null, 'a cancelled step without cancelled_at is refused');
select throws_ok(format($$ update pgflow.step_tasks set cancelled_at = now() where run_id = %L $$, :'rid'),
  '23514', null, 'cancelled_at on a queued task is refused');
select lives_ok(format($$ update pgflow.step_tasks set status = 'cancelled', cancelled_at = now() where run_id = %L $$, :'rid'),
  'a cancelled task with cancelled_at is accepted');
select results_eq(format($$ select status from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('started'::text) $$, 'the run is unchanged');

select * from finish();
rollback;
