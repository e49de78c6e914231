// `make demo`: the diamond flow end to end on the throwaway cluster.
//
//   creates database pgflow_demo (if missing) with the extension, registers the
//   flow, starts a worker, runs the flow once, prints its events, its output and
//   a summary, stops the worker.
//
// Env: PGHOST PGPORT PGUSER PGPASSWORD (default 127.0.0.1 54329 postgres),
//      PGFLOW_DEMO_DB (default pgflow_demo), DEMO_N (default 5).
import postgres from 'postgres';
import { getRun, registerFlow, startFlow, startWorker } from 'pgflow-ts';
import diamond from './diamond.js';

const connection = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 54329),
  user: process.env.PGUSER ?? 'postgres',
  ...(process.env.PGPASSWORD ? { password: process.env.PGPASSWORD } : {}),
};
const database = process.env.PGFLOW_DEMO_DB ?? 'pgflow_demo';
const n = Number(process.env.DEMO_N ?? 5);

const admin = postgres({ ...connection, database: 'postgres', max: 1, onnotice: () => {} });
const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
if (!exists) await admin.unsafe(`create database "${database.replace(/"/g, '""')}"`);
await admin.end();

const sql = postgres({ ...connection, database, onnotice: () => {} });
const worker = await (async () => {
  await sql`create extension if not exists pgflow cascade`;
  await sql`alter extension pgflow update`; // a demo database made by an older release
  await registerFlow(sql, diamond);
  return startWorker({ sql, flows: [diamond], concurrency: 4, pollIntervalMs: 50 });
})();

let exitCode = 0;
try {
  const started = performance.now();
  const handle = await startFlow(sql, diamond, { n });
  console.log(`run ${handle.runId} of flow "${diamond.slug}" with input ${JSON.stringify({ n })}`);
  for await (const event of handle.events()) {
    const ms = (performance.now() - started).toFixed(0).padStart(5);
    console.log(`${ms} ms  ${event.event.padEnd(15)}${event.payload.step_slug ?? ''}`);
  }
  const output = await handle.wait({ timeoutMs: 60_000 });
  const ms = performance.now() - started;

  const { steps } = await getRun(sql, handle.runId);
  const [{ tasks }] = await sql<[{ tasks: number }]>`
    select count(*)::int as tasks from pgflow.step_tasks where run_id = ${handle.runId}::uuid`;
  console.log(JSON.stringify(output, null, 2));
  console.log(`completed: ${steps.length} steps, ${tasks} tasks, ${ms.toFixed(0)} ms`);
} catch (err) {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await worker.stop();
  await sql.end();
}
process.exit(exitCode);
