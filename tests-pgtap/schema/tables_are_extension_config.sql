begin;
select plan(2);

-- The seven tables hold user data: pg_dump must dump their rows (extension config tables).
select tables_are('pgflow', array['flows', 'steps', 'deps', 'runs', 'step_states', 'step_tasks', 'workers'],
  'schema pgflow has exactly the seven documented tables');
select is(
  (select array_agg(c::regclass::text order by c::regclass::text)
     from pg_extension as e, unnest(e.extconfig) as c where e.extname = 'pgflow'),
  array['pgflow.deps', 'pgflow.flows', 'pgflow.runs', 'pgflow.step_states', 'pgflow.step_tasks', 'pgflow.steps', 'pgflow.workers'],
  'all seven are extension config tables, dumped with their rows');

select * from finish();
rollback;
