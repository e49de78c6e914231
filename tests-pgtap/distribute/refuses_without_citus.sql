begin;
select plan(5);

-- On plain PostgreSQL (no citus extension in the database) distribute()
-- refuses, saying what is missing, and changes nothing.
select pgflow.create_flow('dist_plain');
select pgflow.add_step('dist_plain', 'a');
select pgflow.start_flow('dist_plain', '{}', idempotency_key => 'k1');

select throws_ok($$ select * from pgflow.distribute() $$,
  '0A000', format('citus is not installed in database "%s"', current_database()),
  'refused where citus is not installed');
select is((select i.indisunique from pg_index as i where i.indexrelid = 'pgflow.runs_idempotency_key_idx'::regclass),
  true, 'the idempotency key index stays unique');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'dist_plain'), 1, 'the run is still there');
select lives_ok($$ select pgflow.start_flow('dist_plain', '{}', idempotency_key => 'k1') $$, 'a second start with the key');
select is_empty($$ select * from pgflow.check_invariants() $$, 'invariants hold');

select * from finish();
rollback;
