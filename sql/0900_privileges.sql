
-- Privileges, denied by default.
--
-- Every function is created with PostgreSQL's default EXECUTE for PUBLIC.
-- This one statement takes it back from all of them, so a function added to
-- sql/ is executable by the owner alone until a grant helper (grant_worker,
-- grant_client, grant_admin) or the grant below hands it out. It ends the
-- install script and every upgrade script. (ALTER DEFAULT PRIVILEGES cannot
-- do it for one schema: a per-schema default only adds to the global one,
-- which grants EXECUTE to PUBLIC, and a global one would reach the owner's
-- functions everywhere in the database.)
--
-- SECURITY DEFINER is written in the header of each function that needs it:
-- the functions through which a role without table (or pgmq) privileges
-- changes state, each checking its caller (_authorize_worker,
-- _authorize_client, _assert_may_grant), with search_path pinned to '' like
-- every function of pgflow. get_run_with_states and start_flow_with_states
-- stay invoker functions: their callers read the tables they were granted,
-- through row-level security.
revoke all on all functions in schema pgflow from public;

-- The pure helpers stay public: they read nothing. (Schema pgflow itself is
-- not usable by PUBLIC.)
grant execute on function pgflow.is_valid_slug(text), pgflow.calculate_retry_delay(numeric, integer) to public;
