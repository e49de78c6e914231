begin;
select plan(4);

-- (The document is kept in a temp table so that a failing start fails the
-- assertions below instead of aborting the file.)
select pgflow.create_flow('sfws_id');
select pgflow.add_step('sfws_id', 'a');
create temp table sfws_doc (doc jsonb);
select lives_ok($$ insert into sfws_doc
                   select pgflow.start_flow_with_states(flow_slug => 'sfws_id', input => '[1, 2]',
                                                        run_id => '00000000-0000-4000-8000-00000000c001') $$,
  'starts a run with arguments by name');
select is((select doc #>> '{run,run_id}' from sfws_doc), '00000000-0000-4000-8000-00000000c001',
  'the document is the run with the given id');
select is((select input from pgflow.runs where run_id = '00000000-0000-4000-8000-00000000c001'), '[1, 2]'::jsonb,
  'the run exists with the given input');
select is_empty($$ select * from pgflow_tests.invariants('00000000-0000-4000-8000-00000000c001') $$, 'invariants hold');

select * from finish();
rollback;
