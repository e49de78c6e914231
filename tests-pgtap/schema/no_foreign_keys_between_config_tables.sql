begin;
select plan(1);

-- pg_restore -j loads extension config tables side by side (pg_dump orders
-- their data by foreign key only in its sort order, not as archive
-- dependencies), so a foreign key between them loses rows in a parallel
-- restore. The engine keeps the references itself, and check_invariants
-- reports orphans (see the comment above pg_extension_config_dump).
select is_empty($$ select c.conname from pg_constraint as c
                    where c.contype = 'f' and c.conrelid in (select unnest(e.extconfig) from pg_extension as e
                                                               where e.extname = 'pgflow') $$,
  'no foreign key on any of pgflow''s config tables');

select * from finish();
rollback;
