begin;
select plan(1);

-- Steps come in the order they were added, not by slug.
select pgflow.create_flow('grs_order');
select pgflow.add_step('grs_order', 'zz_first');
select pgflow.add_step('grs_order', 'aa_second');
select pgflow.add_step('grs_order', 'mm_third', array['zz_first', 'aa_second']);
select pgflow.add_step('grs_order', 'bb_fourth', array['mm_third']);
select run_id as rid from pgflow.start_flow('grs_order', '{}') \gset
select is(jsonb_path_query_array(pgflow.get_run_with_states(:'rid'), '$.steps[*].step_slug'),
  '["zz_first", "aa_second", "mm_third", "bb_fourth"]'::jsonb, 'steps in step_index order');

select * from finish();
rollback;
