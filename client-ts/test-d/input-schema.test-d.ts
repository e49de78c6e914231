// Input schemas: the flow input type comes from a Standard Schema validator
// (zod here); startFlow takes it. And what registerFlow resolves to.
import { expectError, expectType } from 'tsd';
import type { Sql } from 'postgres';
import { z } from 'zod';
import {
  Flow,
  FlowInputError,
  FlowShapeError,
  registerFlow,
  startFlow,
  startWorker,
  type FlowInput,
  type OptionDifference,
  type RegisterResult,
  type StandardSchemaV1,
} from '../dist/index.js';

declare const sql: Sql;

const schema = z.object({ n: z.number(), tags: z.array(z.string()).optional() });
const flow = new Flow({ slug: 'typed', inputSchema: schema }).step({ slug: 'a' }, (input) => {
  expectType<number>(input.run.n);
  expectType<string[] | undefined>(input.run.tags);
  return input.run.n * 2;
});
expectType<{ n: number; tags?: string[] | undefined }>({} as FlowInput<typeof flow>);

// startFlow takes the schema's type
void startFlow(sql, flow, { n: 1 });
void startFlow(sql, flow, { n: 1, tags: ['x'] });
expectError(startFlow(sql, flow, { n: '1' }));
expectError(startFlow(sql, flow, {}));

// a declared input type and the schema must agree
new Flow<{ n: number; tags?: string[] }>({ slug: 'agree', inputSchema: schema });
expectError(new Flow<{ url: string }>({ slug: 'disagree', inputSchema: schema }));
// a schema of something JSON cannot carry
expectError(new Flow({ slug: 'dates', inputSchema: z.object({ at: z.date() }) }));
// not a schema
expectError(new Flow({ slug: 'nope', inputSchema: { validate: () => true } }));
// without a schema the input stays Json
expectType<FlowInput<typeof plain>>({} as import('../dist/index.js').Json);
const plain = new Flow({ slug: 'plain' });

// any Standard Schema will do
declare const custom: StandardSchemaV1<unknown, { id: string }>;
const customFlow = new Flow({ slug: 'custom', inputSchema: custom }).step({ slug: 'a' }, (input) => input.run.id.length);
expectType<{ id: string }>({} as FlowInput<typeof customFlow>);

// registerFlow's result, the errors' fields
expectType<Promise<RegisterResult>>(registerFlow(sql, flow, { syncOptions: true, warn: false }));
declare const result: RegisterResult;
expectType<boolean>(result.created);
expectType<readonly OptionDifference[]>(result.optionDifferences);
expectType<string | null>(result.optionDifferences[0]!.step);
expectType<'maxAttempts' | 'baseDelay' | 'timeout' | 'startDelay' | 'whenExhausted'>(result.optionDifferences[0]!.option);
expectError(registerFlow(sql, flow, { syncOption: true }));
expectType<readonly string[]>(new FlowShapeError('f', true, []).differences);
expectType<ReadonlyArray<StandardSchemaV1.Issue>>(new FlowInputError('f', []).issues);

// startWorker's checkShape
void startWorker({ sql, flows: [flow], checkShape: false });
expectError(startWorker({ sql, flows: [flow], checkShape: 'no' }));
