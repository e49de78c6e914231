// A worker for the diamond flow: `node --import pgflow-ts/register examples/worker.ts`.
// Connects with the usual PG* environment variables; Ctrl-C stops it gracefully
// (running handlers finish, the worker row is marked stopped).
import postgres from 'postgres';
import { startWorker } from 'pgflow-ts';
import diamond from './diamond.js';

const sql = postgres({ onnotice: () => {} });
const worker = await startWorker({
  sql,
  flows: [diamond],
  concurrency: 10,
  // Secrets reach handlers only through this object, never through the database.
  context: { apiKey: process.env.API_KEY ?? '' },
});
console.log(`worker ${worker.workerIds[diamond.slug]} serving "${diamond.slug}"; Ctrl-C to stop`);
await worker.done;
await sql.end({ timeout: 5 }); // after a server restart a connection may never close on its own
