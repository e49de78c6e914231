begin;
select plan(12);

-- A start with an idempotency key and no run id gets the run id derived from
-- (flow_slug, key): a name-based uuid (version 8, RFC 9562 variant), the same
-- in every database, so the primary key keeps two starts of one key apart
-- (on Citus, where the key's index cannot be unique, it alone does).
select pgflow.create_flow('sf_idem_uuid');
select pgflow.add_step('sf_idem_uuid', 'a');
select pgflow.create_flow('sf_idem_uuid2');
select pgflow.add_step('sf_idem_uuid2', 'a');

select is(pgflow._idempotent_run_id('sf_idem_uuid', 'order-1'), '92fb21c5-2216-8200-960c-59441240a47b'::uuid,
  'fixed: the same pair gives the same id in every database and version');
select is(pgflow._idempotent_run_id('sf_idem_uuid', 'order-1'), pgflow._idempotent_run_id('sf_idem_uuid', 'order-1'),
  'deterministic');
select is(substr(pgflow._idempotent_run_id('sf_idem_uuid', 'order-1')::text, 15, 1), '8', 'version 8');
select ok(substr(pgflow._idempotent_run_id('sf_idem_uuid', 'order-1')::text, 20, 1) in ('8', '9', 'a', 'b'),
  'RFC 9562 variant');
select isnt(pgflow._idempotent_run_id('sf_idem_uuid', 'order-1'), pgflow._idempotent_run_id('sf_idem_uuid2', 'order-1'),
  'another flow, another id');
select isnt(pgflow._idempotent_run_id('sf_idem_uuid', 'order-1'), pgflow._idempotent_run_id('sf_idem_uuid', 'order-2'),
  'another key, another id');
select is(pgflow._idempotent_run_id('sf_idem_uuid', null), null, 'no key, no id');

select run_id as keyed from pgflow.start_flow('sf_idem_uuid', '{}', idempotency_key => 'order-1') \gset
select is(:'keyed'::uuid, pgflow._idempotent_run_id('sf_idem_uuid', 'order-1'), 'start_flow uses the derived id');
select is((select array_agg(r.run_id order by r.run_id)
             from pgflow.start_flows('sf_idem_uuid', '[{}, {}]'::jsonb, array['order-1', 'order-3']) as r),
          (select array_agg(x order by x)
             from unnest(array[pgflow._idempotent_run_id('sf_idem_uuid', 'order-1'),
                               pgflow._idempotent_run_id('sf_idem_uuid', 'order-3')]) as x),
          'start_flows too, and an existing key returns its run');

-- upstream's forms are unchanged: an explicit run id is used as given, no key means a random id
select is((select run_id from pgflow.start_flow('sf_idem_uuid', '{}', 'a0000000-0000-4000-8000-000000000001'::uuid,
                                                 idempotency_key => 'order-9')),
          'a0000000-0000-4000-8000-000000000001'::uuid, 'an explicit run id wins over the derived one');
select is(substr((select run_id from pgflow.start_flow('sf_idem_uuid', '{}'))::text, 15, 1), '4',
  'no key: a random (version 4) id');
select is_empty($$ select * from pgflow.check_invariants() $$, 'invariants hold');

select * from finish();
rollback;
