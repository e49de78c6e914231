-- Two sessions ensure the same new flow at once (dblink connections): the
-- first creates it and holds its transaction open; the second waits for it,
-- then finds the same shape and returns the flow; neither errs, and the flow
-- has its steps once. dblink connections commit on their own, so this file
-- does not run in a transaction: it removes the flow at the end (and at the
-- start, should an earlier run have died half way).

select plan(5);

create function pg_temp.cleanup() returns void language plpgsql as $$
begin
  if exists (select from pgflow.flows where flow_slug = 'fs_race') then
    perform pgflow.delete_flow_and_data('fs_race');
  end if;
end;
$$;
select pg_temp.cleanup();

select dblink_connect('fs_one', 'dbname=' || current_database() || ' host=127.0.0.1 port=' || current_setting('port') || ' user=' || current_user);
select dblink_connect('fs_two', 'dbname=' || current_database() || ' host=127.0.0.1 port=' || current_setting('port') || ' user=' || current_user);

select dblink_exec('fs_one', 'begin');
select t.slug from dblink('fs_one', $$ select (pgflow.ensure_flow('fs_race', '{"steps": [{"slug": "a"}, {"slug": "b", "deps": ["a"]}]}')).flow_slug $$) as t(slug text);
select dblink_send_query('fs_two', $$ select (pgflow.ensure_flow('fs_race', '{"steps": [{"slug": "a"}, {"slug": "b", "deps": ["a"]}]}')).flow_slug $$);

-- Wait (without a time limit of its own) until the second session waits for the first.
do $$
begin
  loop
    -- pg_stat_activity is read once per transaction unless cleared
    perform pg_stat_clear_snapshot();
    exit when exists (select from pg_stat_activity
                       where datname = current_database() and wait_event_type = 'Lock'
                         and query like '%ensure_flow(''fs_race''%');
    perform pg_sleep(0.05);
  end loop;
end;
$$;
select pass('the second session waits for the first');

select dblink_exec('fs_one', 'commit');
select is((select t.slug from dblink_get_result('fs_two') as t(slug text)), 'fs_race',
  'the second session returns the flow the first created, without an error');
select is((select t.x from dblink_get_result('fs_two') as t(x text)), null, 'and nothing else');

select is((select count(*)::int from pgflow.steps where flow_slug = 'fs_race'), 2, 'the flow has its two steps once');
select is((select count(*)::int from pgmq.meta where queue_name = 'fs_race'), 1, 'and one queue');

select dblink_disconnect('fs_one');
select dblink_disconnect('fs_two');
select pg_temp.cleanup();
select * from finish();
