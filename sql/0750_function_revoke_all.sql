
-- revoke_all( role )
-- Takes back from role what the grant helpers gave it in this database, and
-- forgets their records of it (pgflow.grants). Of pgflow's own objects it
-- takes back everything: execute on its functions, its tables and usage on
-- schema pgflow. Outside them only what the helpers recorded: select and
-- update on the queue tables of the flows it was a worker of, and usage on
-- schema pgmq where grant_worker granted it (a usage the role held before,
-- granted by somebody else, stays). PUBLIC's own privileges (is_valid_slug,
-- calculate_retry_delay) are not touched. Of a role dropped meanwhile (after
-- DROP OWNED BY) it forgets the records. Only pgflow's owner calls it.
create function pgflow.revoke_all(role regrole)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_role name := pgflow._assert_may_grant('revoke_all', revoke_all.role, 'select pgflow.revoke_all(''my_worker'');');
  v_flow text;
begin
  if v_role is null then
    delete from pgflow.grants as g where g.role = revoke_all.role;
    return;
  end if;
  execute format('revoke all on all functions in schema pgflow from %I', v_role);
  execute format('revoke all on all tables in schema pgflow from %I', v_role);
  for v_flow in
    select g.flow_slug from pgflow.grants as g
     where g.role = revoke_all.role and g.kind = 'worker'
     order by g.flow_slug
  loop
    continue when to_regclass(format('pgmq.%I', 'q_' || lower(v_flow))) is null;
    execute format('revoke select, update on table pgmq.%I from %I', 'q_' || lower(v_flow), v_role);
  end loop;
  if exists (select from pgflow.grants as g where g.role = revoke_all.role and g.kind = 'pgmq_usage') then
    execute format('revoke usage on schema pgmq from %I', v_role);
  end if;
  execute format('revoke usage on schema pgflow from %I', v_role);
  delete from pgflow.grants as g where g.role = revoke_all.role;
end;
$$;

comment on function pgflow.revoke_all(regrole) is
  'takes back every pgflow privilege the grant helpers gave a role';
