begin;
select plan(9);

-- A client of flow A reads A's metrics only, queues included (metrics_queues
-- runs as the owner and answers for the caller's flows); an admin reads every
-- flow's; a role with no grant may call none; a client asking for another
-- flow's failed runs is told it does not exist.
select pgflow_tests.new_role('client_a') as ca \gset
select pgflow_tests.new_role('admin') as adm \gset
select pgflow_tests.new_role('nobody') as nob \gset
select pgflow.create_flow('mt_priv_a');
select pgflow.add_step('mt_priv_a', 'a');
select pgflow.create_flow('mt_priv_b');
select pgflow.add_step('mt_priv_b', 'b');
select pgflow.grant_client(:'ca', array['mt_priv_a']);
select pgflow.grant_admin(:'adm');
select count(*) from pgflow.start_flow('mt_priv_a', '{}');
select count(*) from pgflow.start_flow('mt_priv_b', '{}');

create function pg_temp.flows_seen(role_name text, fn text) returns text language sql as $$
  select pgflow_tests.as_role(role_name, format(
    $q$ select coalesce(string_agg(distinct flow_slug, ',' order by flow_slug), '') from pgflow.%s()
         where flow_slug in ('mt_priv_a', 'mt_priv_b') $q$, fn))
$$;

select is(pg_temp.flows_seen(:'ca', 'metrics_runs') || ' ' || pg_temp.flows_seen(:'ca', 'metrics_tasks') || ' '
          || pg_temp.flows_seen(:'ca', 'metrics_throughput') || ' ' || pg_temp.flows_seen(:'ca', 'metrics_task_durations')
          || ' ' || pg_temp.flows_seen(:'ca', 'metrics_stalled_tasks'),
  'mt_priv_a mt_priv_a mt_priv_a mt_priv_a mt_priv_a', 'a client reads its flow''s metrics only');
select is(pg_temp.flows_seen(:'ca', 'metrics_queues'), 'mt_priv_a', 'and its flow''s queue only');
select is(pgflow_tests.as_role(:'ca', $$ select queue_depth::text from pgflow.metrics_queues() where flow_slug = 'mt_priv_a' $$),
  '1', 'with its depth');
select is(pgflow_tests.as_role(:'ca', $$ select count(*)::text from pgflow.list_failed_runs('mt_priv_b') $$),
  'ERROR 42704: flow "mt_priv_b" does not exist', 'another flow does not exist to it');
select is(pg_temp.flows_seen(:'adm', 'metrics_runs') || ' ' || pg_temp.flows_seen(:'adm', 'metrics_queues'),
  'mt_priv_a,mt_priv_b mt_priv_a,mt_priv_b', 'an admin reads every flow''s');
select is(pg_temp.flows_seen(:'nob', 'metrics_queues'), 'ERROR 42501: permission denied for schema pgflow',
  'a role without grants calls nothing');
select is(pg_temp.flows_seen(current_user, 'metrics_queues'), 'mt_priv_a,mt_priv_b', 'the owner reads every queue');
select is_empty(format($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace
                      and p.proname in ('metrics_runs', 'metrics_tasks', 'metrics_queues', 'metrics_throughput',
                                        'metrics_task_durations', 'metrics_stalled_tasks', 'list_failed_runs')
                      and not (has_function_privilege(%L, p.oid, 'execute') and has_function_privilege(%L, p.oid, 'execute')) $$,
                       :'ca', :'adm'),
  'client and admin may execute every metrics function');
select set_eq($$ select p.proname::text from pg_proc as p where p.pronamespace = 'pgflow'::regnamespace and p.prosecdef
                    and p.proname ~ '^(metrics_|list_failed)' $$,
  array['metrics_queues'], 'only metrics_queues runs as the owner');

select * from finish();
rollback;
