begin;
select plan(3);

-- The seven documented tables, pgflow's record of its cron jobs and its record
-- of the grants it gave (grants), and the signals sent to signal steps, hold user data: pg_dump must dump their rows
-- (extension config tables). subscriptions is transient (unlogged, renewed by
-- listeners): not dumped.
select tables_are('pgflow', array['flows', 'steps', 'deps', 'runs', 'step_states', 'step_tasks', 'workers',
                                  'schedules', 'grants', 'subscriptions', 'signals'],
  'schema pgflow has the seven documented tables, schedules, grants, subscriptions and signals');
select is((select relpersistence::text from pg_class where oid = 'pgflow.subscriptions'::regclass), 'u',
  'subscriptions is unlogged');
select is(
  (select array_agg(c::regclass::text order by c::regclass::text)
     from pg_extension as e, unnest(e.extconfig) as c where e.extname = 'pgflow'),
  array['pgflow.deps', 'pgflow.flows', 'pgflow.grants', 'pgflow.runs', 'pgflow.schedules', 'pgflow.signals',
        'pgflow.step_states', 'pgflow.step_tasks', 'pgflow.steps', 'pgflow.workers'],
  'all ten are extension config tables, dumped with their rows');

select * from finish();
rollback;
