begin;
select plan(13);

-- A client of flow A starts, cancels, pauses and resumes runs of flow A only.
-- Starting flow B is insufficient_privilege naming the role and the flow, the
-- same for a flow that does not exist (it learns no flow's name); a run of
-- flow B is to cancel_run, pause_run and resume_run exactly a run that does
-- not exist (code, message and hint), and stays untouched. Being an admin
-- too lets it read flow B, not change it.
select pgflow_tests.new_role('client_a') as ca \gset
select pgflow.create_flow('pv_use_a');
select pgflow.add_step('pv_use_a', 'a');
select pgflow.create_flow('pv_use_b');
select pgflow.add_step('pv_use_b', 'b');
select pgflow.grant_client(:'ca', array['pv_use_a']);
select pgflow.grant_admin(:'ca');
select run_id as run_b from pgflow.start_flow('pv_use_b', '{}') \gset

-- the whole error: sqlstate, message and hint
create function pg_temp.error_of(role_name text, query text) returns text language plpgsql as $$
declare
  v_state text;
  v_msg   text;
  v_hint  text;
begin
  perform set_config('role', role_name, true);
  execute query;
  perform set_config('role', 'none', true);
  return 'no error';
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text, v_hint = pg_exception_hint;
  return format('%s: %s (hint: %s)', v_state, v_msg, v_hint);
end;
$$;

select is(pgflow_tests.as_role(:'ca', $$ select status from pgflow.start_flow('pv_use_a', '{}') $$), 'started',
  'it starts a run of flow A');
select is(pgflow_tests.as_role(:'ca', $$ select count(*)::text from pgflow.start_flows('pv_use_a', '[1, 2]') $$), '2',
  'and runs in bulk');
select is(pg_temp.error_of(:'ca', $$ select pgflow.start_flow('pv_use_b', '{}') $$),
  format('42501: role "%s" may not use flow "pv_use_b" (hint: The owner of pgflow grants it with select pgflow.grant_client(%L, array[''pv_use_b'']);)',
         :'ca', :'ca'),
  'start_flow of flow B: insufficient_privilege naming the role and the flow');
select is(pg_temp.error_of(:'ca', $$ select pgflow.start_flows('pv_use_b', '[1]') $$),
          pg_temp.error_of(:'ca', $$ select pgflow.start_flow('pv_use_b', '{}') $$),
  'start_flows the same');
select is(pg_temp.error_of(:'ca', $$ select pgflow.start_flow_with_states('pv_use_b', '{}') $$),
          pg_temp.error_of(:'ca', $$ select pgflow.start_flow('pv_use_b', '{}') $$),
  'start_flow_with_states the same');
select is(pg_temp.error_of(:'ca', $$ select pgflow.start_flow('pv_use_nope', '{}') $$),
          replace(pg_temp.error_of(:'ca', $$ select pgflow.start_flow('pv_use_b', '{}') $$), 'pv_use_b', 'pv_use_nope'),
  'and a flow that does not exist gets the same answer');

select is(pg_temp.error_of(:'ca', format($$ select pgflow.cancel_run(%L, 'mine now') $$, :'run_b')),
  replace(pg_temp.error_of(:'ca', $$ select pgflow.cancel_run('00000000-0000-4000-8000-00000000dead', 'mine now') $$),
          '00000000-0000-4000-8000-00000000dead', :'run_b'),
  'cancel_run: a run of flow B is a run that does not exist');
select is(pg_temp.error_of(:'ca', format($$ select pgflow.pause_run(%L) $$, :'run_b')),
  replace(pg_temp.error_of(:'ca', $$ select pgflow.pause_run('00000000-0000-4000-8000-00000000dead') $$),
          '00000000-0000-4000-8000-00000000dead', :'run_b'),
  'pause_run: the same');
update pgflow.runs set status = 'paused', paused_at = now() where run_id = :'run_b';
select is(pg_temp.error_of(:'ca', format($$ select pgflow.resume_run(%L) $$, :'run_b')),
  replace(pg_temp.error_of(:'ca', $$ select pgflow.resume_run('00000000-0000-4000-8000-00000000dead') $$),
          '00000000-0000-4000-8000-00000000dead', :'run_b'),
  'resume_run: the same');
select matches(pg_temp.error_of(:'ca', format($$ select pgflow.cancel_run(%L) $$, :'run_b')),
  '^42704: run "[0-9a-f-]+" does not exist', 'which is undefined_object');
select is((select status from pgflow.runs where run_id = :'run_b'), 'paused', 'flow B''s run is untouched');
select is(pgflow_tests.as_role(:'ca', format($$ select count(*)::text from pgflow.runs where run_id = %L $$, :'run_b')), '1',
  'as an admin it reads flow B''s run');

select run_id as run_a from pgflow.start_flow('pv_use_a', '{}') \gset
select is(pgflow_tests.as_role(:'ca', format($$ select status from pgflow.pause_run(%L) $$, :'run_a')) || ' '
          || pgflow_tests.as_role(:'ca', format($$ select status from pgflow.resume_run(%L) $$, :'run_a')) || ' '
          || pgflow_tests.as_role(:'ca', format($$ select status from pgflow.cancel_run(%L, 'done') $$, :'run_a')),
  'paused started cancelled', 'it pauses, resumes and cancels a run of flow A');

select * from finish();
rollback;
