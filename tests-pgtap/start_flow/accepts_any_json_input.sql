begin;
select plan(5);

select pgflow.create_flow('sf_any_input');
select pgflow.add_step('sf_any_input', 'a');

select is((select input from pgflow.start_flow('sf_any_input', 'null'::jsonb)), 'null'::jsonb, 'JSON null is an input');
select is((select input from pgflow.start_flow('sf_any_input', '"text"')), '"text"'::jsonb, 'so is a string');
select is((select input from pgflow.start_flow('sf_any_input', '[1, 2]')), '[1, 2]'::jsonb, 'and an array');
select is((select input from pgflow.start_flow('sf_any_input', '7')), '7'::jsonb, 'and a number');
select is((select count(*)::integer from pgflow.runs where flow_slug = 'sf_any_input' and status = 'started'), 4,
  'every run started');

select * from finish();
rollback;
