
-- _caller()
-- The role a SECURITY DEFINER function acts for: the role of an active SET
-- ROLE, else the session user. Inside a definer function current_user is
-- pgflow's owner, so the authorization checks ask about this role instead.
create function pgflow._caller()
returns text
language sql
stable
set search_path = ''
as $$
  select case when coalesce(current_setting('role', true), 'none') = 'none'
              then session_user::text
              else current_setting('role', true) end;
$$;
