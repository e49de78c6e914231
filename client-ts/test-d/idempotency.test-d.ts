import { expectError, expectType } from 'tsd';
import type { Sql } from 'postgres';
import { Flow, startFlow, startFlows, type RunHandle } from '../dist/index.js';

declare const sql: Sql;
const flow = new Flow<{ order: number }>({ slug: 'orders' }).step({ slug: 'charge' }, (input) => input.run.order);

expectType<Promise<RunHandle<typeof flow>>>(startFlow(sql, flow, { order: 1 }, { idempotencyKey: 'order-1' }));
expectType<Promise<string[]>>(startFlows(sql, flow, [{ order: 1 }, { order: 2 }], { idempotencyKeys: ['a', null] }));
expectError(startFlow(sql, flow, { order: 1 }, { idempotencyKey: 1 }));
expectError(startFlows(sql, flow, [{ order: 1 }], { idempotencyKeys: [1] }));
