
-- _assert_option( name, value, minimum )
-- Raises invalid_parameter_value when a retry or timing option is outside its
-- range. Null passes: it means "not set" (inherit the flow's value).
--
-- The maximums are what the engine computes with (0.2.7). Options are
-- integers, and every value derived from one must stay an integer too:
-- - timeout is at most 2147483645 seconds (about 68 years): start_tasks hides
--   a started task's message for its lease, timeout + 2 seconds, and pgmq
--   takes that visibility timeout in integer seconds, so the + 2 needs room.
--   (0.2.6 took up to 2147483647 and then failed every start_tasks of the
--   flow, and requeue_stalled_tasks of the whole database, on the overflow.)
-- - base_delay and start_delay may be any non-negative integer: start_delay
--   goes to pgmq as it is, and a retry's delay, base_delay * 2^(attempt - 1),
--   is capped at 2147483647 seconds by calculate_retry_delay.
-- - max_attempts may be any non-negative integer: it is only compared with
--   attempts_count, which start_tasks raises only below max_attempts (or
--   from a queued task's count, which was below it when the task was queued).
-- start_tasks and requeue_stalled_tasks also read a stored timeout as at most
-- 2147483645, for rows written by 0.2.6.
create function pgflow._assert_option(name text, value integer, minimum integer)
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_maximum constant integer := case _assert_option.name when 'timeout' then 2147483645 else 2147483647 end;
begin
  if _assert_option.value < _assert_option.minimum or _assert_option.value > v_maximum then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = case when _assert_option.value < _assert_option.minimum
                  then format('%s must be at least %s, got %s', _assert_option.name, _assert_option.minimum, _assert_option.value)
                  else format('%s must be at most %s, got %s', _assert_option.name, v_maximum, _assert_option.value) end,
      hint    = case _assert_option.name
                  when 'timeout' then 'timeout is 1 to 2147483645 seconds: the lease, timeout + 2 seconds, '
                                      || 'is a pgmq visibility timeout in integer seconds.'
                  else format('%s is %s to 2147483647%s; timeout is 1 to 2147483645 seconds.', _assert_option.name,
                              _assert_option.minimum, case when _assert_option.name like '%delay' then ' seconds' else '' end)
                end;
  end if;
end;
$$;
