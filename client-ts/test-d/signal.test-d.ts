// .signal(): dependents see the payload type; sendSignal takes only the flow's
// signal steps, each with its payload type.
import type { Sql } from 'postgres';
import { expectError, expectType } from 'tsd';
import {
  Flow,
  sendSignal,
  signalPayload,
  type SignalSlugs,
  type StepInput,
  type StepOutput,
  type StepStateRow,
} from '../dist/index.js';

declare const sql: Sql;
const refund = new Flow<{ amount: number }>({ slug: 'refund' })
  .step({ slug: 'quote' }, (input) => ({ amount: input.run.amount }))
  .signal({ slug: 'approve', dependsOn: ['quote'], payload: signalPayload<{ by: string }>(), timeout: 3600 })
  .step({ slug: 'pay', dependsOn: ['approve', 'quote'] }, (input) => `${input.approve.by} ${input.quote.amount}`);

expectType<{ by: string }>({} as StepOutput<typeof refund, 'approve'>);
expectType<{ run: { amount: number }; approve: { by: string }; quote: { amount: number } }>(
  {} as StepInput<typeof refund, 'pay'>,
);
expectType<'approve'>({} as SignalSlugs<typeof refund>);

expectType<Promise<StepStateRow | null>>(sendSignal(sql, refund, 'id', 'approve', { by: 'ann' }));
expectError(sendSignal(sql, refund, 'id', 'quote', { amount: 1 })); // not a signal step
expectError(sendSignal(sql, refund, 'id', 'nope', { by: 'ann' })); // no such step
expectError(sendSignal(sql, refund, 'id', 'approve', { by: 1 })); // wrong payload type
expectError(sendSignal(sql, refund, 'id', 'approve', {})); // missing key

// options of tasks make no sense on it; slugs are checked as for any step
expectError(new Flow({ slug: 'f' }).signal({ slug: 's', maxAttempts: 3 }));
expectError(new Flow({ slug: 'f' }).signal({ slug: 's', startDelay: 3 }));
expectError(refund.signal({ slug: 'approve' }));
expectError(refund.signal({ slug: 'x', dependsOn: ['nope'] }));

// without a payload type, the payload is any JSON
const plain = new Flow({ slug: 'plain' }).signal({ slug: 'go' });
expectType<Promise<StepStateRow | null>>(sendSignal(sql, plain, 'id', 'go', [1, 'two']));
