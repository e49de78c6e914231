// The worker and the client each connected as a role with one job
// (pgflow.grant_worker / pgflow.grant_client), not as a superuser.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { getRun, registerFlow, startFlow } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();
const tag = randomBytes(4).toString('hex');
const workerRole = `pgflow_vt_worker_${tag}`;
const clientRole = `pgflow_vt_client_${tag}`;
let worker: Worker | undefined;

afterAll(async () => {
  await worker?.stop();
  for (const role of [workerRole, clientRole]) {
    await db.sql`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${role}`;
    await db.sql`select pgflow.revoke_all(${role}::regrole)`.catch(() => {});
    await db.sql.unsafe(`drop role if exists "${role}"`);
  }
});

describe('roles', () => {
  it('a worker role serves its flow and a client role starts and reads the run', { timeout: 30_000 }, async () => {
    const flow = new Flow<{ n: number }>({ slug: `roles_${tag}`, baseDelay: 0, timeout: 5 })
      .step({ slug: 'double' }, (input) => input.run.n * 2)
      .step({ slug: 'show', dependsOn: ['double'] }, (input) => `n*2 = ${input.double}`);
    await registerFlow(db.sql, flow); // defining flows is the admin's (here: the owner's) job
    await db.sql.unsafe(`create role "${workerRole}" login; create role "${clientRole}" login`);
    await db.sql`select pgflow.grant_worker(${workerRole}::regrole, array[${flow.slug}])`;
    await db.sql`select pgflow.grant_client(${clientRole}::regrole)`;

    const asWorker = db.connect({ user: workerRole });
    const asClient = db.connect({ user: clientRole });
    const warnings: string[] = [];
    const log = (level: string, message: string) => void (level === 'warn' && warnings.push(message));
    worker = await startWorker({ sql: asWorker, flows: [flow], handleSignals: false, pollIntervalMs: 50, log });
    // a grant_worker role may not read the flow tables: the shape goes unchecked, and the worker says so
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^cannot check the shape of flow "${flow.slug}" against the database \\(permission denied`))]);

    const handle = await startFlow(asClient, flow, { n: 21 });
    expect(await handle.wait({ timeoutMs: 20_000 })).toEqual({ show: 'n*2 = 42' });
    const { run } = await getRun(asClient, handle.runId);
    expect(run.status).toBe('completed');

    // each role did its job only
    await expect(startFlow(asWorker, flow, { n: 1 })).rejects.toThrow(/permission denied/);
    await expect(asClient`select * from pgmq.read(${flow.slug}, 30, 1)`).rejects.toThrow(/permission denied/);
    expect(await db.sql`select * from pgflow.check_invariants()`).toEqual([]);
  });
});
