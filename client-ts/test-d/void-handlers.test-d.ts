// A handler that returns nothing (a side-effect step): the worker stores null,
// and that is what dependents and the run output see.
import { expectError, expectType } from 'tsd';
import { Flow, type FlowOutput, type StepInput, type StepOutput } from '../dist/index.js';

declare function notify(to: string): Promise<void>;

const flow = new Flow<{ email: string }>({ slug: 'signup' })
  .step({ slug: 'welcome' }, async (input) => {
    await notify(input.run.email);
  })
  .step({ slug: 'log' }, (input) => {
    console.log(input.run.email);
  })
  .step({ slug: 'nothing' }, () => undefined)
  .step({ slug: 'done', dependsOn: ['welcome', 'log', 'nothing'] }, (input) => {
    expectType<{ run: { email: string }; welcome: null; log: null; nothing: null }>(input);
  });
expectType<null>(null as StepOutput<typeof flow, 'welcome'>);
expectType<null>(null as StepOutput<typeof flow, 'log'>);
expectType<null>(null as StepOutput<typeof flow, 'nothing'>);
expectType<{ run: { email: string }; welcome: null; log: null; nothing: null }>(
  {} as StepInput<typeof flow, 'done'>,
);

// A void map handler: one null per element.
const each = new Flow<string[]>({ slug: 'each' }).map({ slug: 'send' }, async (to) => {
  await notify(to);
});
expectType<null[]>({} as StepOutput<typeof each, 'send'>);
expectType<{ send: null[] }>({} as FlowOutput<typeof each>);

// Only nothing at all: "sometimes nothing" is still not JSON (return null instead).
expectError(flow.step({ slug: 'x' }, (): number | undefined => 1));
expectError(flow.step({ slug: 'x' }, async (): Promise<string | void> => 'a'));
// any and never stay as they are.
const other = new Flow<null>({ slug: 'o' })
  .step({ slug: 'a' }, (): any => 1)
  .step({ slug: 'n' }, (): never => {
    throw new Error('no');
  });
expectType<any>({} as StepOutput<typeof other, 'a'>);
expectType<never>({} as StepOutput<typeof other, 'n'>);
