begin;
select plan(6);

-- pgflow.grants records what the grant helpers gave, one row each: a
-- worker's flows, a client's flows (null: every flow), an admin, and usage on
-- schema pgmq where grant_worker granted it. Calling a helper again records
-- nothing twice; a bad call records nothing. It is an extension config table
-- (pg_dump keeps its rows).
select pgflow_tests.new_role('w') as w \gset
select pgflow_tests.new_role('c') as c \gset
select pgflow_tests.new_role('call') as call \gset
select pgflow_tests.new_role('a') as a \gset
select pgflow.create_flow('pv_rec_1');
select pgflow.create_flow('pv_rec_2');

create function pg_temp.rows_of(role_name text) returns text language sql as $$
  select coalesce(string_agg(g.kind || ':' || coalesce(g.flow_slug, '*'), ' ' order by g.kind, g.flow_slug), '')
    from pgflow.grants as g where g.role = role_name::regrole
$$;

select pgflow.grant_worker(:'w', array['pv_rec_1']);
select pgflow.grant_worker(:'w', array['pv_rec_1', 'pv_rec_2']);
select is(pg_temp.rows_of(:'w'), 'pgmq_usage:* worker:pv_rec_1 worker:pv_rec_2',
  'a worker: its flows, once each, and the pgmq usage pgflow gave it');
select pgflow.grant_client(:'c', array['pv_rec_2']);
select pgflow.grant_client(:'c', array['pv_rec_1', 'pv_rec_2']);
select pgflow.grant_client(:'call');
select pgflow.grant_client(:'call');
select is(pg_temp.rows_of(:'c') || ' / ' || pg_temp.rows_of(:'call'), 'client:pv_rec_1 client:pv_rec_2 / client:*',
  'a client: its flows, or every flow');
select pgflow.grant_admin(:'a');
select is(pg_temp.rows_of(:'a'), 'admin:*', 'an admin');
select throws_ok(format($$ select pgflow.grant_client(%L, array['pv_rec_1', 'pv_rec_nope']) $$, :'a'),
  '42704', 'flow "pv_rec_nope" does not exist', 'an unknown flow is refused');
select is(pg_temp.rows_of(:'a'), 'admin:*', 'and nothing is recorded');
select ok('pgflow.grants'::regclass::oid = any((select e.extconfig from pg_extension as e where e.extname = 'pgflow')::oid[]),
  'pgflow.grants is an extension config table');

select * from finish();
rollback;
