import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';
import * as pgflow from '../src/index.js';

// Adding an export is an API decision: update these lists on purpose.
it('exports exactly the public runtime API', () => {
  expect(Object.keys(pgflow).sort()).toEqual([
    'Flow',
    'FlowDefinitionError',
    'FlowInputError',
    'FlowShapeError',
    'RunCancelledError',
    'RunFailedError',
    'RunTimeoutError',
    'cancelRun',
    'compileFlow',
    'getRun',
    'pauseRun',
    'quoteLiteral',
    'registerFlow',
    'resumeRun',
    'startFlow',
    'startFlows',
    'startWorker',
    'watchRun',
  ]);
});

it('exports exactly the public types', () => {
  const file = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  expect(checker.getExportsOfModule(module).map((s) => s.name).sort()).toEqual([
    'Flow',
    'FlowConfig',
    'FlowDefinitionError',
    'FlowEvent',
    'FlowEventName',
    'FlowInput',
    'FlowInputError',
    'FlowOptions',
    'FlowOutput',
    'FlowShapeError',
    'Json',
    'OptionDifference',
    'PinoLikeLogger',
    'RegisterOptions',
    'RegisterResult',
    'RunCancelledError',
    'RunFailedError',
    'RunHandle',
    'RunRow',
    'RunTimeoutError',
    'RunWithStates',
    'StandardSchemaV1',
    'StepCondition',
    'StepContext',
    'StepDefinition',
    'StepInput',
    'StepOptions',
    'StepOutput',
    'StepStateRow',
    'WhenUnmet',
    'Worker',
    'WorkerLogger',
    'WorkerOptions',
    'cancelRun',
    'compileFlow',
    'getRun',
    'pauseRun',
    'quoteLiteral',
    'registerFlow',
    'resumeRun',
    'startFlow',
    'startFlows',
    'startWorker',
    'watchRun',
  ]);
});
