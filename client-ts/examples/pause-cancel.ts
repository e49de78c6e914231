// Pauses, resumes and cancels a run of the diamond flow:
// `node --import pgflow-ts/register examples/pause-cancel.ts`. It needs no worker;
// with one running (examples/worker.ts) the run makes progress in between.
import postgres from 'postgres';
import { cancelRun, pauseRun, registerFlow, resumeRun, RunCancelledError, startFlow } from 'pgflow-ts';
import diamond from './diamond.js';

const sql = postgres({ onnotice: () => {} });
await registerFlow(sql, diamond); // a no-op when it is registered already
const run = await startFlow(sql, diamond, { n: 3 });
console.log((await pauseRun(sql, run.runId)).status); // paused
console.log((await resumeRun(sql, run.runId)).status); // started
const cancelled = await cancelRun(sql, run.runId, 'not needed any more');
console.log(cancelled.status, cancelled.cancel_reason); // cancelled not needed any more
try {
  await run.wait();
} catch (err) {
  if (err instanceof RunCancelledError) console.log(`wait() rejected: ${err.message}`);
  else throw err;
}
await run.close();
await sql.end();
