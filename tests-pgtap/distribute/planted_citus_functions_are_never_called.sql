begin;
select plan(5);

-- The test database has no citus. A role with CREATE on the database makes a
-- schema citus and functions with Citus's names in public; distribute(),
-- which pgflow's owner runs, must call none of them.
select pgflow_tests.new_role('mallory') as m \gset
select format('grant create on database %I to %I', current_database(), :'m') \gexec
grant create on schema public to :m;
set local role :m;
create schema citus;
create table citus.calls (fn text, caller text);
grant usage on schema citus to public;
grant insert, select on citus.calls to public;
create function citus.citus_is_coordinator() returns boolean language plpgsql as $$
begin insert into citus.calls values ('citus_is_coordinator', current_user); return true; end $$;
create function citus.create_reference_table(table_name regclass) returns void language plpgsql as $$
begin insert into citus.calls values ('create_reference_table', current_user); end $$;
create function public.create_distributed_table(table_name regclass, distribution_column text, colocate_with text) returns void
  language plpgsql as $$
begin insert into citus.calls values ('create_distributed_table', current_user); end $$;
create function public.citus_is_coordinator() returns boolean language plpgsql as $$
begin insert into citus.calls values ('citus_is_coordinator', current_user); return true; end $$;
reset role;

select throws_ok($$ select * from pgflow.distribute() $$,
  '0A000', format('citus is not installed in database "%s"', current_database()),
  'the planted functions are not Citus');
select throws_ok($$ select pgflow._citus_function('create_reference_table') $$,
  '0A000', null, 'nor found as Citus''s functions');
select is_empty($$ select from citus.calls $$, 'no planted function ran');
select is((select i.indisunique from pg_index as i where i.indexrelid = 'pgflow.runs_idempotency_key_idx'::regclass),
  true, 'nothing changed');
select is((select rolsuper from pg_roles where rolname = :'m'), false, 'the planting role gained nothing');

select * from finish();
rollback;
