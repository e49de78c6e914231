
-- _metrics_since( minutes, whole_minutes = false )
-- The start of the metrics functions' window, the last minutes (1 to 1440,
-- checked here once for all of them: invalid_parameter_value naming the
-- value otherwise): now (the clock) minus minutes, or, with whole_minutes,
-- the start of the minute minutes - 1 minutes before the current one (the
-- first of metrics_throughput's per-minute buckets).
create function pgflow._metrics_since(minutes integer, whole_minutes boolean default false)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
begin
  if _metrics_since.minutes is null or _metrics_since.minutes not between 1 and 1440 then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('minutes must be between 1 and 1440, got %s', coalesce(_metrics_since.minutes::text, 'null')),
      hint    = 'Ask for the last hour with 60, the last day with 1440.';
  end if;
  if _metrics_since.whole_minutes then
    return date_trunc('minute', clock_timestamp()) - make_interval(mins => _metrics_since.minutes - 1);
  end if;
  return clock_timestamp() - make_interval(mins => _metrics_since.minutes);
end;
$$;

revoke all on function pgflow._metrics_since(integer, boolean) from public;
