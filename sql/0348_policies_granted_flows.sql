
-- Row-level security: a client (grant_client) reads the definitions and runs
-- of its flows only, an admin (grant_admin) every row (_readable_flows). The
-- owner of the tables, and so every SECURITY DEFINER function of pgflow, and
-- superusers bypass it; nobody but the owner writes these tables, so the
-- policies are for select only. The subquery makes _readable_flows an
-- InitPlan, called once per query and not per row; the cast to text[] makes
-- any() compare with the array's elements (without it any() would take the
-- subquery's rows).
alter table pgflow.flows enable row level security;
create policy granted_flows on pgflow.flows for select
  using (flow_slug = any ((select pgflow._readable_flows(current_user::regrole))::text[]));

alter table pgflow.steps enable row level security;
create policy granted_flows on pgflow.steps for select
  using (flow_slug = any ((select pgflow._readable_flows(current_user::regrole))::text[]));

alter table pgflow.deps enable row level security;
create policy granted_flows on pgflow.deps for select
  using (flow_slug = any ((select pgflow._readable_flows(current_user::regrole))::text[]));

alter table pgflow.runs enable row level security;
create policy granted_flows on pgflow.runs for select
  using (flow_slug = any ((select pgflow._readable_flows(current_user::regrole))::text[]));

alter table pgflow.step_states enable row level security;
create policy granted_flows on pgflow.step_states for select
  using (flow_slug = any ((select pgflow._readable_flows(current_user::regrole))::text[]));

alter table pgflow.step_tasks enable row level security;
create policy granted_flows on pgflow.step_tasks for select
  using (flow_slug = any ((select pgflow._readable_flows(current_user::regrole))::text[]));

alter table pgflow.signals enable row level security;
create policy granted_flows on pgflow.signals for select
  using (flow_slug = any ((select pgflow._readable_flows(current_user::regrole))::text[]));
