// The flow's shape in code against the one registered in the database: what
// startFlow (once per flow and client) and startWorker check before they do
// anything, so that code and database never drift apart silently. The shape
// is pgflow's (sql/0150_function__flow_shape.sql): the steps in order, each
// with its type, dependencies and condition; options are not part of it.
import type { Sql } from 'postgres';
import type { Json, StepCondition } from '../dsl/types.js';

/** A flow as far as its shape goes: Flow instances fit. */
export type ShapedFlow = {
  readonly slug: string;
  readonly steps: readonly {
    readonly slug: string;
    readonly type: 'single' | 'map' | 'signal';
    readonly dependsOn: readonly string[];
    readonly condition?: StepCondition;
  }[];
};

/** A step as the database has it (pgflow.steps and pgflow.deps). */
export interface DatabaseStep {
  slug: string;
  type: 'single' | 'map' | 'signal';
  deps: string[];
  run_if: Json | null;
  run_unless: Json | null;
  when_unmet: string;
}

/**
 * The flow in code does not match the flow in the database: it is not
 * registered (`registered` false), or its shape differs (`differences`, one
 * line each, such as `step "b" missing in code` or `dependency a -> z not in
 * the database`, where `a -> z` means z depends on a). Nothing was started.
 *
 * @example
 * try { await startWorker({ sql, flows: [flow] }) } catch (err) {
 *   if (err instanceof FlowShapeError) console.error(err.differences)
 * }
 */
export class FlowShapeError extends Error {
  override name = 'FlowShapeError';
  constructor(
    readonly flowSlug: string,
    readonly registered: boolean,
    readonly differences: readonly string[],
  ) {
    super(
      !registered
        ? `flow "${flowSlug}" is not registered in the database (or this role may not read it): register it with registerFlow(), or apply the migration of npx pgflow-ts compile`
        : differences.length === 1
          ? `flow "${flowSlug}" differs from the database: ${differences[0]}`
          : `flow "${flowSlug}" differs from the database:\n  ${differences.join('\n  ')}`,
    );
  }
}

/**
 * The flow's steps as the database has them, in step_index order; null when
 * the flow is not registered (or row-level security hides it). Reads the
 * tables, which pgflow.grant_client and grant_admin roles may read (only
 * grant_admin may call pgflow.get_flow_shape); a grant_worker role may read
 * neither (42501).
 */
export async function readDatabaseSteps(sql: Sql, flowSlug: string): Promise<DatabaseStep[] | null> {
  const rows = await sql<{ steps: DatabaseStep[] }[]>`
    select coalesce((
      select jsonb_agg(jsonb_build_object(
               'slug', s.step_slug,
               'type', s.step_type,
               'deps', coalesce((select jsonb_agg(d.dep_slug order by d.dep_slug)
                                   from pgflow.deps as d
                                  where d.flow_slug = s.flow_slug and d.step_slug = s.step_slug), '[]'::jsonb),
               'run_if', s.run_if,
               'run_unless', s.run_unless,
               'when_unmet', s.when_unmet) order by s.step_index)
        from pgflow.steps as s
       where s.flow_slug = f.flow_slug), '[]'::jsonb) as steps
      from pgflow.flows as f
     where f.flow_slug = ${flowSlug}`;
  return rows.length === 0 ? null : rows[0]!.steps;
}

/** JSON with object keys sorted, so that equal values (as jsonb compares them) give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const shown = (value: unknown) => (value === null || value === undefined ? 'none' : JSON.stringify(value));

/**
 * Every difference between the flow's shape in code and the database's steps,
 * one line each, in this order: steps missing on either side, then per step
 * (in code order) its type, dependencies and condition, then the order of the
 * steps both have. Empty when the shapes are equal (what pgflow.ensure_flow
 * would accept as the same flow).
 */
export function shapeDifferences(flow: ShapedFlow, database: readonly DatabaseStep[]): string[] {
  const lines: string[] = [];
  const inCode = new Map(flow.steps.map((s) => [s.slug, s]));
  const inDb = new Map(database.map((s) => [s.slug, s]));
  for (const step of database) if (!inCode.has(step.slug)) lines.push(`step "${step.slug}" missing in code`);
  for (const step of flow.steps) if (!inDb.has(step.slug)) lines.push(`step "${step.slug}" missing in the database`);
  for (const step of flow.steps) {
    const db = inDb.get(step.slug);
    if (!db) continue;
    if (step.type !== db.type) lines.push(`step "${step.slug}" is a ${step.type} step in code, a ${db.type} step in the database`);
    for (const dep of step.dependsOn) {
      if (!db.deps.includes(dep)) lines.push(`dependency ${dep} -> ${step.slug} not in the database`);
    }
    for (const dep of db.deps) {
      if (!step.dependsOn.includes(dep)) lines.push(`dependency ${dep} -> ${step.slug} not in code`);
    }
    const codeIf = step.condition?.runIf ?? null;
    const codeUnless = step.condition?.runUnless ?? null;
    if (canonical(codeIf) !== canonical(db.run_if)) {
      lines.push(`step "${step.slug}" runIf ${shown(codeIf)} in code, ${shown(db.run_if)} in the database`);
    }
    if (canonical(codeUnless) !== canonical(db.run_unless)) {
      lines.push(`step "${step.slug}" runUnless ${shown(codeUnless)} in code, ${shown(db.run_unless)} in the database`);
    }
    // whenUnmet means something only with a condition (as in pgflow's shape).
    const codeHas = codeIf !== null || codeUnless !== null;
    const dbHas = db.run_if !== null || db.run_unless !== null;
    if (codeHas && dbHas) {
      const codeWhen = step.condition?.whenUnmet ?? 'skip';
      if (codeWhen !== db.when_unmet) {
        lines.push(`step "${step.slug}" whenUnmet ${JSON.stringify(codeWhen)} in code, ${JSON.stringify(db.when_unmet)} in the database`);
      }
    }
  }
  const codeOrder = flow.steps.map((s) => s.slug).filter((slug) => inDb.has(slug));
  const dbOrder = database.map((s) => s.slug).filter((slug) => inCode.has(slug));
  if (codeOrder.join(',') !== dbOrder.join(',')) {
    lines.push(`step order ${codeOrder.join(', ')} in code, ${dbOrder.join(', ')} in the database`);
  }
  return lines;
}

/**
 * Checks the flow's shape against the database: resolves when they match,
 * rejects with FlowShapeError when the flow is not registered or differs
 * (and with the PostgresError when the role may not read the flow tables).
 *
 * @example
 * await checkFlowShape(sql, flow)
 */
export async function checkFlowShape(sql: Sql, flow: ShapedFlow): Promise<void> {
  const steps = await readDatabaseSteps(sql, flow.slug);
  if (steps === null) throw new FlowShapeError(flow.slug, false, []);
  const differences = shapeDifferences(flow, steps);
  if (differences.length > 0) throw new FlowShapeError(flow.slug, true, differences);
}

// Per client (postgres.js instance) and flow object: the check that passed, or
// is under way. A failed check is forgotten, so the next call checks again.
const checked = new WeakMap<object, WeakMap<ShapedFlow, Promise<void>>>();

/** checkFlowShape, once per client and flow: later calls reuse the first passed (or pending) check. */
export function checkFlowShapeOnce(sql: Sql, flow: ShapedFlow): Promise<void> {
  let flows = checked.get(sql);
  if (!flows) checked.set(sql, (flows = new WeakMap()));
  let check = flows.get(flow);
  if (!check) {
    const made = checkFlowShape(sql, flow);
    check = made;
    flows.set(flow, made);
    made.catch(() => {
      if (flows!.get(flow) === made) flows!.delete(flow);
    });
  }
  return check;
}

/** Notes that the flow's shape matches on this client (registerFlow has just made sure of it). */
export function rememberShapeChecked(sql: Sql, flow: ShapedFlow): void {
  let flows = checked.get(sql);
  if (!flows) checked.set(sql, (flows = new WeakMap()));
  flows.set(flow, Promise.resolve());
}
