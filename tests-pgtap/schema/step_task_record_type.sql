begin;
select plan(4);

-- pgflow.step_task_record: what start_tasks returns; the first five fields
-- are the contract's, in this order, then task_index, attempts_count, timeout.
select has_type('pgflow', 'step_task_record', 'type pgflow.step_task_record exists');
select has_composite('pgflow', 'step_task_record', 'it is a composite type');
select is(
  (select array_agg(a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod) order by a.attnum)
     from pg_attribute as a
    where a.attrelid = (select typrelid from pg_type where oid = 'pgflow.step_task_record'::regtype)
      and a.attnum > 0 and not a.attisdropped),
  array['flow_slug text', 'run_id uuid', 'step_slug text', 'input jsonb',
        'msg_id bigint', 'task_index integer', 'attempts_count integer', 'timeout integer'],
  'its attributes, in order, with their types');
select is(
  (row('f', '00000000-0000-4000-8000-000000000000', 's', '{}', 1, 0, 1, 60)::pgflow.step_task_record).msg_id,
  1::bigint, 'a record built positionally has msg_id fifth');

select * from finish();
rollback;
