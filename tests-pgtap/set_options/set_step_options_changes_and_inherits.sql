begin;
select plan(13);

select pgflow.create_flow('so_step');
select pgflow.add_step('so_step', 'a', max_attempts => 5, timeout => 30);
select shape_hash as h0 from pgflow.flows where flow_slug = 'so_step' \gset

select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
                       from pgflow.set_step_options('so_step', 'a', base_delay => 2, start_delay => 4) $$,
  $$ values (5, 2, 30, 4) $$, 'the given options change, the others stay');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
                       from pgflow.set_step_options('so_step', 'a', max_attempts => 0, inherit => array['timeout', 'start_delay']) $$,
  $$ values (0, 2, null::int, null::int) $$, 'options named in inherit go back to the flow''s (null)');
select results_eq($$ select opt_max_attempts, opt_base_delay, opt_timeout, opt_start_delay
                       from pgflow.set_step_options('so_step', 'a', inherit => null) $$,
  $$ values (0, 2, null::int, null::int) $$, 'a null inherit changes nothing');
select is((select shape_hash from pgflow.flows where flow_slug = 'so_step'), :'h0'::text, 'the shape_hash stays');

select throws_ok($$ select pgflow.set_step_options('so_step', 'a', start_delay => -1) $$,
  '22023', 'start_delay must be at least 0, got -1', 'start_delay below 0');
select throws_ok($$ select pgflow.set_step_options('so_step', 'a', timeout => 0) $$,
  '22023', 'timeout must be at least 1, got 0', 'timeout below 1');
select throws_ok($$ select pgflow.set_step_options('so_step', 'a', base_delay => -2) $$,
  '22023', 'base_delay must be at least 0, got -2', 'base_delay below 0');
select throws_ok($$ select pgflow.set_step_options('so_step', 'a', inherit => array['retries']) $$,
  '22023', 'unknown option "retries" in inherit', 'an unknown option in inherit');
select throws_ok($$ select pgflow.set_step_options('so_step', 'a', inherit => array[null]) $$,
  '22023', 'unknown option "NULL" in inherit', 'a null in inherit');
select throws_ok($$ select pgflow.set_step_options('so_step', 'a', timeout => 3, inherit => array['timeout']) $$,
  '22023', 'option timeout is both given and listed in inherit', 'an option both set and inherited');
select throws_ok($$ select pgflow.set_step_options('so_step', 'b', timeout => 3) $$,
  '42704', 'step "b" does not exist in flow "so_step"', 'an unknown step');
select throws_ok($$ select pgflow.set_step_options('so_nope', 'a', timeout => 3) $$,
  '42704', 'flow "so_nope" does not exist', 'an unknown flow');
select throws_ok($$ select pgflow.set_step_options('so_step', null, timeout => 3) $$,
  '22004', 'flow slug and step slug must not be null', 'a null step slug');

select * from finish();
rollback;
