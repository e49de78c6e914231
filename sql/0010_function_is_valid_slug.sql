
-- is_valid_slug( slug )
-- A slug names a flow or a step: an identifier-like word of at most 128
-- characters. `run` is reserved: it is the key of the run input in task inputs.
create function pgflow.is_valid_slug(slug text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select slug is not null
     and slug <> ''
     and length(slug) <= 128
     and slug ~ '^[a-zA-Z_][a-zA-Z0-9_]*$'
     and slug <> 'run';
$$;

comment on function pgflow.is_valid_slug(text) is
  'true when the text is a valid flow or step slug: ^[a-zA-Z_][a-zA-Z0-9_]*$, at most 128 characters, not "run"';
