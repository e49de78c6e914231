begin;
select plan(5);

-- The key stays with its run, finished or not, until prune deletes the run;
-- then the key starts a new run.
select pgflow.create_flow('sf_idem_prune');
select pgflow.add_step('sf_idem_prune', 'a');

select run_id as first_run from pgflow.start_flow('sf_idem_prune', '{}', idempotency_key => 'nightly-1') \gset
select pgflow.cancel_run(:'first_run');
select is((select run_id from pgflow.start_flow('sf_idem_prune', '{}', idempotency_key => 'nightly-1')), :'first_run'::uuid,
  'a cancelled run still holds its key');
-- finished a day ago
update pgflow.runs set started_at = now() - interval '2 days', cancelled_at = now() - interval '1 day'
 where run_id = :'first_run';
select is(pgflow.prune(interval '1 hour') >= 1, true, 'prune deletes the run');
select is_empty($$ select from pgflow.runs where flow_slug = 'sf_idem_prune' $$, 'and its key with it');
-- a new run, under the run id derived from the key (_idempotent_run_id), as the first one
select is((select run_id from pgflow.start_flow('sf_idem_prune', '{}', idempotency_key => 'nightly-1')), :'first_run'::uuid,
  'the key starts a new run, with the run id derived from the key');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sf_idem_prune' and status = 'started'), 1,
  'which is started');

select * from finish();
rollback;
