begin;
select plan(3);

-- A task input keeps the run input under "run".
select pgflow.create_flow('as_run');
select throws_ok($$ select pgflow.add_step('as_run', 'run') $$, '22023', 'step slug "run" is reserved', 'no-deps overload');
select pgflow.add_step('as_run', 'a');
select throws_ok($$ select pgflow.add_step('as_run', 'run', array['a']) $$, '22023', 'step slug "run" is reserved', 'deps overload');
select results_eq($$ select step_slug from pgflow.steps where flow_slug = 'as_run' $$, $$ values ('a'::text) $$,
  'no step "run" was added');

select * from finish();
rollback;
