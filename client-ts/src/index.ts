// The public API. Each export is named (no `export *`); test/exports.test.ts pins the list.
export { Flow } from './dsl/flow.js';
export type {
  FlowConfig,
  FlowOptions,
  Json,
  StepCondition,
  StepContext,
  StepDefinition,
  StepOptions,
  WhenUnmet,
} from './dsl/types.js';
export type { FlowInput, FlowOutput, StepInput, StepOutput } from './dsl/flow.js';
export { FlowDefinitionError } from './dsl/validate.js';
export { compileFlow, quoteLiteral } from './compile/compile.js';
export {
  cancelRun,
  getRun,
  pauseRun,
  registerFlow,
  resumeRun,
  RunCancelledError,
  RunFailedError,
  RunTimeoutError,
  startFlow,
  startFlows,
  watchRun,
} from './client/client.js';
export type { RunHandle } from './client/client.js';
export type { FlowEvent, FlowEventName, RunRow, RunWithStates, StepStateRow } from './client/types.js';
export { startWorker } from './worker/worker.js';
export type { Worker, WorkerLogger, WorkerOptions } from './worker/worker.js';
