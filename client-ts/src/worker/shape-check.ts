// Before a worker starts: each flow's shape in code against the database's.
// A flow that is not registered, or whose steps differ, is refused with
// FlowShapeError, so a worker never serves a flow it does not know as the
// database does. A role that may not read the flow tables cannot check.
import type { Sql } from 'postgres';
import { checkFlowShape, type ShapedFlow } from '../client/shape.js';
import { errorCode } from '../pg-errors.js';
import { errorMessage, type WorkerLogger } from './log.js';

/**
 * Checks every flow; rejects with the first FlowShapeError (or database error).
 * insufficient_privilege (42501: a role made by pgflow.grant_worker alone may
 * read no table of pgflow) is logged as a warning, and that flow goes unchecked.
 */
export async function checkWorkerShapes(sql: Sql, flows: readonly ShapedFlow[], log: WorkerLogger): Promise<void> {
  for (const flow of flows) {
    try {
      await checkFlowShape(sql, flow);
    } catch (err) {
      if (errorCode(err) !== '42501') throw err;
      log(
        'warn',
        `cannot check the shape of flow "${flow.slug}" against the database (${errorMessage(err)}): ` +
          'this role may not read pgflow.flows, steps and deps (a pgflow.grant_worker role may not); ' +
          'serving it unchecked. Pass checkShape: false to skip the check.',
        { flow: flow.slug },
      );
    }
  }
}
