-- Two sessions start a run of the same flow with the same idempotency key at
-- the same time: the second waits for the first to commit, then returns the
-- first one's run and starts nothing. dblink sessions commit on their own,
-- so this file does not run in a transaction: the flow is made through
-- dblink and removed at the end (and at the start, should an earlier run
-- have died half way).
select plan(6);

create function pg_temp.cleanup() returns void language plpgsql as $$
begin
  delete from pgflow.step_tasks where flow_slug = 'sf_idem_race';
  delete from pgflow.step_states where flow_slug = 'sf_idem_race';
  delete from pgflow.runs where flow_slug = 'sf_idem_race';
  delete from pgflow.deps where flow_slug = 'sf_idem_race';
  delete from pgflow.steps where flow_slug = 'sf_idem_race';
  if exists (select from pgflow.flows where flow_slug = 'sf_idem_race') then
    delete from pgflow.flows where flow_slug = 'sf_idem_race';
    perform pgmq.drop_queue('sf_idem_race');
  end if;
end;
$$;
select pg_temp.cleanup();

select dblink_connect(c, 'dbname=' || current_database() || ' host=127.0.0.1 port=' || current_setting('port')
                         || ' user=' || current_user)
  from unnest(array['sf_idem_a', 'sf_idem_b']) as c;
select dblink_exec('sf_idem_a', $$ do $do$ begin perform pgflow.create_flow('sf_idem_race');
                                            perform pgflow.add_step('sf_idem_race', 'a'); end $do$ $$);
select dblink_exec(c, 'set statement_timeout = ''30s''') from unnest(array['sf_idem_a', 'sf_idem_b']) as c;

-- A starts the key and holds its transaction open; B starts the same key.
select dblink_exec('sf_idem_a', 'begin');
create temp table run_a as
select * from dblink('sf_idem_a', $$ select run_id from pgflow.start_flow('sf_idem_race', '{"from": "a"}',
                                                                         idempotency_key => 'race-1') $$)
  as t(run_id uuid);
select dblink_send_query('sf_idem_b', $$ select run_id from pgflow.start_flow('sf_idem_race', '{"from": "b"}',
                                                                            idempotency_key => 'race-1') $$);
select pg_sleep(0.3);
select is(dblink_is_busy('sf_idem_b'), 1, 'B waits for A');
select dblink_exec('sf_idem_a', 'commit');
create temp table run_b as select * from dblink_get_result('sf_idem_b') as t(run_id uuid);
select is(dblink_error_message('sf_idem_b'), 'OK', 'B raised no error');
select results_eq($$ select run_id from run_b $$, $$ select run_id from run_a $$, 'B got A''s run');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sf_idem_race'), 1, 'one run started');
select is((select input from pgflow.runs where flow_slug = 'sf_idem_race'), '{"from": "a"}'::jsonb, 'A''s');
select is_empty($$ select r.run_id, i.broken from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i(broken)
                    where r.flow_slug = 'sf_idem_race' $$, 'invariants hold');

select dblink_disconnect(c) from unnest(array['sf_idem_a', 'sf_idem_b']) as c;
select pg_temp.cleanup();
select * from finish();
