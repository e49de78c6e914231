-- A run left half-done by an older release: the upgrade must carry it through.
-- Uses only the 0.1.0 API, so it runs on every release.
select pgflow.create_flow('upgrade_seed', 3, 0, 60);
select pgflow.add_step('upgrade_seed', 'first');
select pgflow.add_step('upgrade_seed', 'second', array['first']);
select pgflow.add_step('upgrade_seed', 'third', array['second']);
select pgflow.register_worker('00000000-0000-4000-8000-00000000beef', 'upgrade_seed', 'upgrade-test');
select pgflow.start_flow('upgrade_seed', '{"seeded": true}', '00000000-0000-4000-8000-0000000000aa');
select pgflow.complete_task(t.run_id, t.step_slug, t.task_index, '{"done": 1}')
  from pgflow.start_tasks('upgrade_seed', array(select msg_id from pgmq.read('upgrade_seed', 30, 10)),
                          '00000000-0000-4000-8000-00000000beef') as t;
-- "second" is now queued: the upgraded engine must finish the run.
