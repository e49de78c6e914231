// The worker and the client each connected as a role with one job
// (pgflow.grant_worker / pgflow.grant_client), not as a superuser.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { getRun, registerFlow, startFlow } from '../../src/client/client.js';
import { FlowShapeError } from '../../src/client/shape.js';
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
    // a grant_worker role may read no table of pgflow, yet its flow's shape is checked (pgflow.get_flow_shape)
    expect(warnings).toEqual([]);

    const handle = await startFlow(asClient, flow, { n: 21 });
    expect(await handle.wait({ timeoutMs: 20_000 })).toEqual({ show: 'n*2 = 42' });
    const { run } = await getRun(asClient, handle.runId);
    expect(run.status).toBe('completed');

    // each role did its job only
    await expect(startFlow(asWorker, flow, { n: 1 })).rejects.toThrow(/permission denied/);
    await expect(asClient`select * from pgmq.read(${flow.slug}, 30, 1)`).rejects.toThrow(/permission denied/);
    expect(await db.sql`select * from pgflow.check_invariants()`).toEqual([]);
  });

  it('a worker role refuses a flow whose shape differs from the registered one, and one it has no job on', async () => {
    const registered = new Flow({ slug: `roles_shape_${tag}` })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'b', dependsOn: ['a'] }, () => 2)
      .step({ slug: 'c', dependsOn: ['b'] }, () => 3);
    await registerFlow(db.sql, registered);
    await db.sql`select pgflow.grant_worker(${workerRole}::regrole, array[${registered.slug}])`;
    const drifted = new Flow({ slug: registered.slug })
      .step({ slug: 'a' }, () => 1)
      .step({ slug: 'z', dependsOn: ['a'] }, () => 2);
    const asWorker = db.connect({ user: workerRole });
    const options = { sql: asWorker, handleSignals: false, log: () => {} } as const;
    const refused = startWorker({ ...options, flows: [drifted] });
    await expect(refused).rejects.toBeInstanceOf(FlowShapeError);
    await expect(refused).rejects.toMatchObject({
      flowSlug: registered.slug,
      registered: true,
      differences: ['step "b" missing in code', 'step "c" missing in code', 'step "z" missing in the database'],
    });
    // a flow the role was not granted: refused by the database, whether it exists or not
    const other = new Flow({ slug: `roles_other_${tag}` }).step({ slug: 'a' }, () => 1);
    await expect(startWorker({ ...options, flows: [other] })).rejects.toMatchObject({ code: '42501' });
    await registerFlow(db.sql, other);
    await expect(startWorker({ ...options, flows: [other] })).rejects.toMatchObject({ code: '42501' });
    // the registered shape itself is served
    const served = await startWorker({ ...options, flows: [registered] });
    await served.stop();
  });
});
