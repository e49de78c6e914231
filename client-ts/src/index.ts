// The public API. Each export is named (no `export *`); test/exports.test.ts pins the list.
import type { AnyFlow, WorkerContextOption } from './dsl/flow.js';
import { startWorker as startAnyWorker, type Worker, type WorkerOptions } from './worker/worker.js';

export { Flow } from './dsl/flow.js';
export type {
  FlowConfig,
  FlowOptions,
  Json,
  StepCondition,
  StepContext,
  StepDefinition,
  StepOptions,
  WhenExhausted,
  WhenUnmet,
} from './dsl/types.js';
export type { FlowInput, FlowOutput, StepInput, StepOutput } from './dsl/flow.js';
export { signalPayload } from './dsl/flow.js';
export type { SignalPayload, SignalSlugs } from './dsl/flow.js';
export { FlowDefinitionError } from './dsl/validate.js';
export { FlowInputError } from './dsl/schema.js';
export type { StandardSchemaV1 } from './dsl/schema.js';
export { compileFlow, quoteLiteral } from './compile/compile.js';
export {
  cancelRun,
  getRun,
  pauseRun,
  registerFlow,
  resumeRun,
  retryRun,
  RunCancelledError,
  RunFailedError,
  RunTimeoutError,
  sendSignal,
  startFlow,
  startFlows,
  watchRun,
} from './client/client.js';
export type { RunHandle } from './client/client.js';
export { listSchedules, scheduleFlow, unscheduleFlow } from './client/schedules.js';
export type { Schedule } from './client/schedules.js';
export { FlowShapeError } from './client/shape.js';
export type { OptionDifference, RegisterOptions, RegisterResult } from './client/register.js';
export type { FlowEvent, FlowEventName, RunRow, RunWithStates, StepStateRow } from './client/types.js';
export type { PinoLikeLogger, Worker, WorkerLogger, WorkerOptions } from './worker/worker.js';
export { PermanentError, RetryAfterError } from './worker/errors.js';

/**
 * Starts a worker that runs the handlers of `flows` (see src/worker/worker.ts).
 * Typed here so that `context` is required, and checked, when a flow declares
 * one (`new Flow<Input, { apiKey: string }>`), and optional when none does.
 *
 * @example
 * const worker = await startWorker({ sql, flows: [flow], context: { apiKey } })
 * // ... later, or on SIGTERM:
 * await worker.stop()
 */
export const startWorker: StartWorker = startAnyWorker as StartWorker;
// The implementation takes any context; this signature is what callers are held to.
type StartWorker = <const Flows extends readonly AnyFlow[]>(
  options: Omit<WorkerOptions, 'flows' | 'context'> & { flows: Flows } & WorkerContextOption<Flows>,
) => Promise<Worker>;
