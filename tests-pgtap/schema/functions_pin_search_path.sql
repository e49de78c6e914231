begin;
select plan(3);

-- Every function sets search_path = '' (names are schema-qualified), so a
-- caller's search_path cannot redirect it.
select is_empty($$ select p.oid::regprocedure from pg_proc as p
                    where p.pronamespace = 'pgflow'::regnamespace
                      and not coalesce(p.proconfig @> array['search_path=""'], false) $$,
  'every pgflow function has search_path pinned to empty');
select volatility_is('pgflow', 'is_valid_slug', array['text'], 'immutable', 'is_valid_slug is immutable');
select volatility_is('pgflow', 'calculate_retry_delay', array['numeric', 'integer'], 'immutable',
  'calculate_retry_delay is immutable');

select * from finish();
rollback;
