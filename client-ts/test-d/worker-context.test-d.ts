// startWorker's `context`: required and checked when a flow declares one.
import { expectError, expectType } from 'tsd';
import type { Sql } from 'postgres';
import { Flow, startWorker, type Worker } from '../dist/index.js';

declare const sql: Sql;

const billing = new Flow<{ amount: number }, { apiKey: string }>({ slug: 'billing' }).step(
  { slug: 'charge' },
  (input, { context }) => ({ charged: input.run.amount, key: context.apiKey.length }),
);
const mailer = new Flow<{ to: string }, { smtp: string; port?: number }>({ slug: 'mailer' }).step(
  { slug: 'send' },
  (_input, { context }) => context.smtp,
);
const plain = new Flow<{ n: number }>({ slug: 'plain' }).step({ slug: 'one' }, (input) => input.run.n);

// The declared context compiles.
expectType<Promise<Worker>>(startWorker({ sql, flows: [billing], context: { apiKey: 'k' } }));
const ctx = { apiKey: 'k', logger: console };
startWorker({ sql, flows: [billing], context: ctx }); // a variable may carry more

// A typo, a wrong type, a missing key or no context at all: must not compile.
expectError(startWorker({ sql, flows: [billing], context: { apiKye: 1 } }));
expectError(startWorker({ sql, flows: [billing], context: { apiKey: 1 } }));
expectError(startWorker({ sql, flows: [billing], context: {} }));
expectError(startWorker({ sql, flows: [billing] }));
expectError(startWorker({ sql, flows: [billing], context: { apiKey: 'k', extra: 1 } }));

// Several flows: the worker's context must serve all of them.
startWorker({ sql, flows: [billing, mailer, plain], context: { apiKey: 'k', smtp: 'mail' } });
startWorker({ sql, flows: [billing, mailer], context: { apiKey: 'k', smtp: 'mail', port: 25 } });
expectError(startWorker({ sql, flows: [billing, mailer], context: { apiKey: 'k' } }));
expectError(startWorker({ sql, flows: [billing, plain] }));

// A flow without a context needs none (and any object is accepted).
startWorker({ sql, flows: [plain] });
startWorker({ sql, flows: [plain], concurrency: 4, handleSignals: false });
startWorker({ sql, flows: [plain], context: { apiKey: process.env.API_KEY } });
// A context whose keys are all optional may be left out.
const optional = new Flow<null, { verbose?: boolean }>({ slug: 'opt' }).step({ slug: 'a' }, () => 1);
startWorker({ sql, flows: [optional] });
expectError(startWorker({ sql, flows: [optional], context: { verbose: 'yes' } }));

// The other options are still checked.
expectError(startWorker({ sql, flows: [plain], concurrency: '4' }));
expectError(startWorker({ flows: [plain] }));
// A list of flows typed only as flows: the context cannot be checked, and is optional.
declare const some: Flow<any, any, any, any>[];
startWorker({ sql, flows: some });
