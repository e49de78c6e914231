
-- calculate_retry_delay( base_delay, attempts_count )
-- Exponential backoff: floor(base_delay * 2^attempts_count) seconds, capped at
-- the largest integer so that a long retry chain cannot overflow. Null in,
-- null out.
create function pgflow.calculate_retry_delay(base_delay numeric, attempts_count integer)
returns integer
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select least(floor(base_delay * power(2::numeric, least(attempts_count, 64))), 2147483647)::integer;
$$;

comment on function pgflow.calculate_retry_delay(numeric, integer) is
  'seconds to wait before the next attempt: floor(base_delay * 2^attempts_count)';
