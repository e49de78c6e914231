begin;
select plan(4);

-- Internal helpers (leading _) are not API: PUBLIC cannot execute them; the
-- API functions stay executable by PUBLIC.
select cmp_ok((select count(*)::integer from pg_proc where pronamespace = 'pgflow'::regnamespace and proname ~ '^_'),
  '>=', 10, 'there are internal helpers to check');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace and p.proname ~ '^_'
                      and has_function_privilege('public', p.oid, 'execute') $$,
  'no internal function is executable by PUBLIC');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace and p.proname !~ '^_'
                      and not has_function_privilege('public', p.oid, 'execute') $$,
  'every API function is executable by PUBLIC');
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace and p.prosecdef $$,
  'no function is security definer');

select * from finish();
rollback;
