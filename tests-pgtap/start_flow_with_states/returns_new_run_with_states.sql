begin;
select plan(8);

-- start_flow_with_states( flow_slug, input, run_id ): start_flow, then get_run_with_states.
-- (The document is kept in a temp table so that a failing start fails the
-- assertions below instead of aborting the file.)
select pgflow.create_flow('sfws_new');
select pgflow.add_step('sfws_new', 'first');
select pgflow.add_step('sfws_new', 'second', array['first']);
create temp table sfws_doc (doc jsonb);

select lives_ok($$ insert into sfws_doc select pgflow.start_flow_with_states('sfws_new', '{"k": "v"}') $$,
  'starts a run and returns its document');
select is((select array_agg(k order by k) from sfws_doc, jsonb_object_keys(doc) as k), array['run', 'steps'],
  'the document has exactly the keys run and steps');
select is((select count(*)::integer from pgflow.runs as r, sfws_doc as d
            where r.flow_slug = 'sfws_new' and r.run_id = (d.doc #>> '{run,run_id}')::uuid), 1,
  'the run in the document exists');
select is((select doc #> '{run,input}' from sfws_doc), '{"k": "v"}'::jsonb, 'with its input');
select is((select doc #>> '{run,status}' from sfws_doc), 'started', 'started');
select is((select jsonb_path_query_array(doc, '$.steps[*].status') from sfws_doc), '["started", "created"]'::jsonb,
  'its steps in step_index order: the root started, its dependent created');
select is((select doc from sfws_doc),
  (select pgflow.get_run_with_states(r.run_id) from pgflow.runs as r where r.flow_slug = 'sfws_new'),
  'the same document as get_run_with_states');
select is_empty($$ select i from pgflow.runs as r, pgflow_tests.invariants(r.run_id) as i where r.flow_slug = 'sfws_new' $$,
  'invariants hold');

select * from finish();
rollback;
