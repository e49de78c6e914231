
-- set_vt_batch( queue_name, msg_ids, vt_offsets )
-- Sets the visibility timeout of many messages of a pgmq queue at once:
-- message msg_ids[i] becomes visible vt_offsets[i] seconds from now. A
-- generic helper, as upstream's: a flow's queue for a role that may work the
-- flow (_authorize_worker), any other pgmq queue for a role that may update
-- its table (pgmq's own rights on it). Worker roles stay confined to their
-- flows' queues: grant_worker grants no other queue.
create function pgflow.set_vt_batch(queue_name text, msg_ids bigint[], vt_offsets integer[])
returns setof pgmq.message_record
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: performance_warnings = false
-- (the update it runs is dynamic, so the check cannot see that it writes)
begin
  -- a flow's queue (pgmq's queue names ignore case, as its tables do)
  perform pgflow._authorize_worker(f.flow_slug)
     from pgflow.flows as f where lower(f.flow_slug) = lower(set_vt_batch.queue_name);
  if set_vt_batch.queue_name is null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'queue_name must not be null',
      hint    = 'Pass a pgmq queue (a flow''s is named after the flow) and two arrays of the same length.';
  end if;
  -- No messages (NULL arrays count as none, as upstream has it): nothing to do.
  if set_vt_batch.msg_ids is null or set_vt_batch.vt_offsets is null then
    return;
  end if;
  if cardinality(set_vt_batch.msg_ids) <> cardinality(set_vt_batch.vt_offsets) then
    raise exception using
      errcode = 'array_subscript_error',
      message = format('msg_ids length (%s) must equal vt_offsets length (%s)',
                       cardinality(set_vt_batch.msg_ids), cardinality(set_vt_batch.vt_offsets)),
      hint    = 'Give one offset (in seconds) per message id.';
  end if;
  if array_position(set_vt_batch.vt_offsets, null) is not null or array_position(set_vt_batch.msg_ids, null) is not null then
    raise exception using
      errcode = 'null_value_not_allowed',
      message = 'msg_ids and vt_offsets must not contain null',
      hint    = 'Give one offset (in seconds) per message id.';
  end if;
  if not exists (select from pgflow.flows as f where lower(f.flow_slug) = lower(set_vt_batch.queue_name)) then
    if to_regclass(format('pgmq.%I', 'q_' || lower(set_vt_batch.queue_name))) is null then
      -- undefined_table, in the words pgmq's own functions (and upstream's) give
      raise exception using
        errcode = 'undefined_table',
        message = format('relation "pgmq.q_%s" does not exist', left(lower(set_vt_batch.queue_name), 200)),
        hint    = 'Create the queue with pgmq.create(); a flow''s queue is named after the flow.';
    end if;
    if not pg_catalog.has_table_privilege(pgflow._caller(),
                                          format('pgmq.%I', 'q_' || lower(set_vt_batch.queue_name)), 'UPDATE') then
      raise exception using
        errcode = 'insufficient_privilege',
        message = format('role "%s" may not update queue "%s"', pgflow._caller(), left(set_vt_batch.queue_name, 200)),
        hint    = 'Grant update on the queue''s table pgmq.q_<queue> to the role.';
    end if;
  end if;

  return query execute format(
    'update pgmq.%I as q
        set vt = clock_timestamp() + make_interval(secs => v.vt_offset)
       from unnest($1, $2) as v(msg_id, vt_offset)
      where q.msg_id = v.msg_id
     returning q.msg_id, q.read_ct, q.enqueued_at, q.last_read_at, q.vt, q.message, q.headers',
    'q_' || lower(set_vt_batch.queue_name))
  using set_vt_batch.msg_ids, set_vt_batch.vt_offsets;
end;
$$;

comment on function pgflow.set_vt_batch(text, bigint[], integer[]) is
  'sets the visibility timeout of many messages of a pgmq queue, one offset in seconds per message';
