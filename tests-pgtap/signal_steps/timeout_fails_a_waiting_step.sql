begin;
select plan(9);

-- With a timeout, a signal step waits that long once ready, then
-- maintenance (requeue_stalled_tasks) fails it and its run. Without one it
-- waits for ever: the flow's timeout is for tasks, not for signals. A paused
-- run's step is left waiting.
select pgflow.create_flow('sst_timeout', timeout => 1);
select pgflow.add_step('sst_timeout', 'approve', step_type => 'signal', timeout => 60);
select pgflow.add_step('sst_timeout', 'b', array['approve']);
select pgflow.create_flow('sst_forever', timeout => 1);
select pgflow.add_step('sst_forever', 'approve', step_type => 'signal');

select run_id as run_t from pgflow.start_flow('sst_timeout', '{}') \gset
select run_id as run_p from pgflow.start_flow('sst_timeout', '{}') \gset
select run_id as run_s from pgflow.start_flow('sst_timeout', '{}') \gset
select run_id as run_f from pgflow.start_flow('sst_forever', '{}') \gset
select pgflow.pause_run(:'run_p');
select pgflow.send_signal(:'run_s', 'approve', '{}');
-- they all started waiting two minutes ago
update pgflow.step_states set started_at = now() - interval '2 minutes'
 where run_id in (:'run_t', :'run_p', :'run_f') and step_slug = 'approve';
update pgflow.runs set started_at = now() - interval '3 minutes' where run_id in (:'run_t', :'run_p', :'run_f');

select is(pgflow.requeue_stalled_tasks(), 0, 'maintenance runs');
select results_eq(format($$ select status, error_message from pgflow.step_states where run_id = %L and step_slug = 'approve' $$, :'run_t'),
  $$ values ('failed'::text, 'signal step "approve" got no signal within its timeout of 60 seconds'::text) $$,
  'the waiting step failed');
select is((select status from pgflow.runs where run_id = :'run_t'), 'failed', 'and its run');
select is((select status from pgflow.step_states where run_id = :'run_p' and step_slug = 'approve'), 'started',
  'a paused run''s step still waits');
select is((select status from pgflow.step_states where run_id = :'run_f' and step_slug = 'approve'), 'started',
  'a step without a timeout waits for ever (not the flow''s)');
select is((select status from pgflow.step_states where run_id = :'run_s' and step_slug = 'approve'), 'completed',
  'a signalled step is done');
select throws_ok(format($$ select pgflow.send_signal(%L, 'approve', '{}') $$, :'run_t'), '55000',
  format('run "%s" is failed and takes no signal', :'run_t'), 'a late signal is refused');
select pgflow.resume_run(:'run_p');
select is(pgflow.requeue_stalled_tasks(), 0, 'after resume_run');
select is((select status from pgflow.runs where run_id = :'run_p'), 'failed', 'the time is up for it too');

select * from finish();
rollback;
