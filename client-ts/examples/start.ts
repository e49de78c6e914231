// Starts a run of the diamond flow and waits for its typed output:
// `node --import pgflow-ts/register examples/start.ts 4`.
import postgres from 'postgres';
import { startFlow } from 'pgflow-ts';
import diamond from './diamond.js';

const sql = postgres({ onnotice: () => {} });
const run = await startFlow(sql, diamond, { n: Number(process.argv[2] ?? 3) });
console.log(`started run ${run.runId}`);
const output = await run.wait({ timeoutMs: 60_000 }); // typed: { report: { text: string; sum: number } }
console.log(output.report.text);
await run.close();
await sql.end();
