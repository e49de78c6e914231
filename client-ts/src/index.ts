// The public API. Each export is named (no `export *`); test/exports.test.ts pins the list.
export { Flow } from './dsl/flow.js';
export type {
  FlowConfig,
  FlowInput,
  FlowOptions,
  FlowOutput,
  Json,
  StepContext,
  StepDefinition,
  StepInput,
  StepOptions,
  StepOutput,
} from './dsl/flow.js';
export { FlowDefinitionError } from './dsl/validate.js';
export { compileFlow, quoteLiteral } from './compile/compile.js';
