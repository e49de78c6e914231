begin;
select plan(7);

select pgflow.create_flow('as_slug');
select throws_ok($$ select pgflow.add_step('as_slug', '2nd') $$, '22023', 'invalid step slug "2nd"', 'leading digit');
select throws_ok($$ select pgflow.add_step('as_slug', 'send-email') $$, '22023', 'invalid step slug "send-email"', 'dash');
select throws_ok($$ select pgflow.add_step('as_slug', '') $$, '22023', 'invalid step slug ""', 'empty');
select throws_ok(format('select pgflow.add_step(%L, %L)', 'as_slug', repeat('s', 129)),
  '22023', format('invalid step slug "%s"', repeat('s', 129)), '129 characters');
select lives_ok(format('select pgflow.add_step(%L, %L)', 'as_slug', repeat('s', 128)),
  '128 characters is a valid step slug (the 47 limit is for flows only)');
select throws_ok($$ select pgflow.add_step('as_slug', null) $$, '22004', 'step slug must not be null', 'null');
select is((select count(*)::integer from pgflow.steps where flow_slug = 'as_slug'), 1, 'only the valid step was added');

select * from finish();
rollback;
