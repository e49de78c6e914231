
-- calculate_retry_delay( base_delay, attempts_count )
-- Exponential backoff: floor(base_delay * 2^attempts_count) seconds, kept
-- between 0 and the largest integer, so that no base and no retry chain can
-- overflow: the delay goes to pgmq as an integer number of seconds (fail_task),
-- and 2147483647 seconds (about 68 years) already means "not in this
-- lifetime". Below 0 (a negative base, which no flow can have) is 0: retry at
-- once. Null in, null out.
create function pgflow.calculate_retry_delay(base_delay numeric, attempts_count integer)
returns integer
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select greatest(least(floor(base_delay * power(2::numeric, least(attempts_count, 64))), 2147483647), 0)::integer;
$$;

comment on function pgflow.calculate_retry_delay(numeric, integer) is
  'seconds to wait before the next attempt: floor(base_delay * 2^attempts_count), from 0 to 2147483647';
