begin;
select plan(10);

-- The indexes the contract lists ("Performance Considerations"). An index
-- "on" columns means one whose leading columns are exactly these.
create temp table leading_cols as
select i.indrelid::regclass::text as tbl,
       array(select a.attname::text
               from unnest(i.indkey::int2[]) with ordinality as k(attnum, n)
               join pg_attribute as a on a.attrelid = i.indrelid and a.attnum = k.attnum
              order by k.n) as cols
  from pg_index as i
 where i.indrelid in ('pgflow.runs'::regclass, 'pgflow.step_states'::regclass,
                      'pgflow.step_tasks'::regclass, 'pgflow.workers'::regclass);

select is_indexed('pgflow', 'runs', 'flow_slug', 'runs.flow_slug is indexed');
select is_indexed('pgflow', 'runs', 'status', 'runs.status is indexed');
select is_indexed('pgflow', 'step_states', 'flow_slug', 'step_states.flow_slug is indexed');
select is_indexed('pgflow', 'step_states', array['run_id', 'status', 'remaining_deps'],
  'step_states(run_id, status, remaining_deps) is indexed');
select ok(exists (select from leading_cols where tbl = 'pgflow.step_tasks' and cols[1:2] = array['flow_slug', 'message_id']),
  'step_tasks is indexed on (flow_slug, message_id): a message id is looked up in its flow''s queue');
select ok(exists (select from leading_cols where tbl = 'pgflow.step_tasks' and cols[1] = 'flow_slug'),
  'step_tasks.flow_slug leads an index');
select ok(exists (select from leading_cols where tbl = 'pgflow.step_tasks' and cols[1:2] = array['run_id', 'step_slug']),
  'step_tasks(run_id, step_slug) leads an index');
select is_indexed('pgflow', 'workers', 'queue_name', 'workers.queue_name is indexed');
select is_indexed('pgflow', 'workers', 'last_heartbeat_at', 'workers.last_heartbeat_at is indexed');
select index_is_unique('pgflow', 'flows', 'flows_queue_name_key',
  'flow slugs are unique ignoring case (they name lower-cased queue tables)');

select * from finish();
rollback;
