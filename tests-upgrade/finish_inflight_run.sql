-- Drives the seeded run to the end on the upgraded engine and prints its status.
select pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{"done": 2}')
  from pgflow.start_tasks('upgrade_seed', array(select msg_id from pgmq.read('upgrade_seed', 30, 10)),
                          '00000000-0000-4000-8000-00000000beef') as t;
select pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{"done": 3}')
  from pgflow.start_tasks('upgrade_seed', array(select msg_id from pgmq.read('upgrade_seed', 30, 10)),
                          '00000000-0000-4000-8000-00000000beef') as t;
select status || ' ' || output::text from pgflow.runs where run_id = '00000000-0000-4000-8000-0000000000aa';
