// Before a worker starts: each flow's shape in code against the database's.
// A flow that is not registered, or whose steps differ, is refused with
// FlowShapeError, so a worker never serves a flow it does not know as the
// database does. The shape comes from pgflow.get_flow_shape, which answers
// every role with a job on the flow (a pgflow.grant_worker role included,
// though it may read no table of pgflow), and refuses any other (42501).
import type { Sql } from 'postgres';
import { type DatabaseStep, FlowShapeError, shapeDifferences, type ShapedFlow } from '../client/shape.js';
import type { Json } from '../dsl/types.js';
import { errorCode } from '../pg-errors.js';
import type { WorkerLogger } from './log.js';

/** One step of pgflow.get_flow_shape's answer: keys whose value is null are left out. */
interface ShapeStep {
  slug: string;
  type: 'single' | 'map' | 'signal';
  deps: string[];
  run_if?: Json;
  run_unless?: Json;
  when_unmet?: string;
}

/** The flow's steps from pgflow.get_flow_shape; null when the flow is not registered. */
async function readShape(sql: Sql, flowSlug: string): Promise<DatabaseStep[] | null> {
  try {
    const [row] = await sql<{ shape: { steps: ShapeStep[] } }[]>`select pgflow.get_flow_shape(${flowSlug}) as shape`;
    return row!.shape.steps.map((s) => ({
      slug: s.slug,
      type: s.type,
      deps: s.deps,
      run_if: s.run_if ?? null,
      run_unless: s.run_unless ?? null,
      when_unmet: s.when_unmet ?? 'skip',
    }));
  } catch (err) {
    if (errorCode(err) === '42704') return null;
    throw err;
  }
}

/**
 * Checks every flow; rejects with the first FlowShapeError, or the database's
 * error (42501 when this role has no job on the flow: pgflow.grant_worker
 * grants one). Logs each flow checked at debug.
 */
export async function checkWorkerShapes(sql: Sql, flows: readonly ShapedFlow[], log: WorkerLogger): Promise<void> {
  for (const flow of flows) {
    const steps = await readShape(sql, flow.slug);
    if (steps === null) throw new FlowShapeError(flow.slug, false, []);
    const differences = shapeDifferences(flow, steps);
    if (differences.length > 0) throw new FlowShapeError(flow.slug, true, differences);
    log('debug', `flow "${flow.slug}" has the shape the database has`, { flow: flow.slug });
  }
}
