begin;
select plan(13);

-- The contract's "Example 2: Workflow with Parallel Steps", as written, with
-- the worker's part played by pgflow_tests.read_and_start.

-- Define workflow with parallel processing
select * from pgflow.create_flow('image_processing', 3, 2, 300);
select * from pgflow.add_step('image_processing', 'upload_image');
select * from pgflow.add_step('image_processing', 'create_thumbnail', array['upload_image']);
select * from pgflow.add_step('image_processing', 'extract_metadata', array['upload_image']);
select * from pgflow.add_step('image_processing', 'classify_image', array['upload_image']);
select * from pgflow.add_step('image_processing', 'store_results',
  array['create_thumbnail', 'extract_metadata', 'classify_image']);

-- Start run
select run_id as rid from pgflow.start_flow('image_processing',
  '{"image_url": "https://example.com/photo.jpg"}'::jsonb) \gset

create temp table started as select * from pgflow_tests.read_and_start('image_processing');
select results_eq($$ select step_slug from started $$, $$ values ('upload_image'::text) $$,
  'only upload_image is ready at first');

-- Worker 1 completes upload
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'upload_image', 0,
  '{"stored_path": "/images/photo.jpg", "size": 2048576}'::jsonb)), 1, 'upload_image completed');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold after the upload');

-- Workers 2, 3, 4 process in parallel (create_thumbnail, extract_metadata, classify_image all start immediately)
truncate started;
insert into started select * from pgflow_tests.read_and_start('image_processing');
select results_eq($$ select step_slug from started order by step_slug $$,
  $$ values ('classify_image'::text), ('create_thumbnail'), ('extract_metadata') $$,
  'the three parallel steps are ready together');
select is((select count(*)::integer from started
            where input = '{"run": {"image_url": "https://example.com/photo.jpg"},
                            "upload_image": {"stored_path": "/images/photo.jpg", "size": 2048576}}'::jsonb), 3,
  'each gets the run input and upload_image''s output');

-- All parallel steps complete
select pgflow.complete_task(:'rid', 'create_thumbnail', 0, '{"thumbnail_url": "/thumbs/photo.jpg"}'::jsonb);
select pgflow.complete_task(:'rid', 'extract_metadata', 0,
  '{"width": 1920, "height": 1080, "exif": {"camera": "X100"}}'::jsonb);
select is_empty($$ select * from pgflow_tests.read_and_start('image_processing') $$,
  'store_results waits for its last dependency');
select pgflow.complete_task(:'rid', 'classify_image', 0, '{"labels": ["outdoor", "sunset", "beach"]}'::jsonb);

-- store_results receives all outputs
truncate started;
insert into started select * from pgflow_tests.read_and_start('image_processing');
select is((select step_slug from started), 'store_results', 'store_results is ready');
select is((select input from started),
  '{"run": {"image_url": "https://example.com/photo.jpg"},
    "create_thumbnail": {"thumbnail_url": "/thumbs/photo.jpg"},
    "extract_metadata": {"width": 1920, "height": 1080, "exif": {"camera": "X100"}},
    "classify_image": {"labels": ["outdoor", "sunset", "beach"]}}'::jsonb,
  'its input holds the run input and its three dependencies'' outputs');
-- The contract's comment lists upload_image in store_results' input too; a
-- task gets its direct dependencies' outputs only (as upstream pgflow does, and
-- as the typed DSL's handler inputs say), so upload_image is not there.
select ok(not (select input ? 'upload_image' from started),
  'a step that depends on upload_image only through other steps does not get its output');
select is((select count(*)::integer from pgflow.complete_task(:'rid', 'store_results', 0,
  '{"record_id": 42, "indexed": true}'::jsonb)), 1, 'store_results completed');

select results_eq(format($$ select status, output from pgflow.runs where run_id = %L $$, :'rid'),
  $$ values ('completed'::text, '{"store_results": {"record_id": 42, "indexed": true}}'::jsonb) $$,
  'the run is completed with the leaf step''s output');
select is(cardinality(pgflow_tests.queue_message_ids('image_processing')), 0, 'the queue is empty');
select is_empty(format($$ select * from pgflow_tests.invariants(%L) $$, :'rid'), 'invariants hold at the end');

select * from finish();
rollback;
