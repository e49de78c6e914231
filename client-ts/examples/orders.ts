// Conditions and branches: `node --import pgflow-ts/register examples/orders.ts`.
// Registers the flow, runs a worker in this process, starts a small and a big
// order and prints each run's output.
import postgres from 'postgres';
import { Flow, registerFlow, startFlow, startWorker } from 'pgflow-ts';

export const orders = new Flow<{ total: number; express: boolean }>({ slug: 'orders' })
  .step({ slug: 'check' }, (input) => ({ big: input.run.total > 100 }))
  // Both steps run only for big orders: each waits for check and tests the same pattern.
  .branch({ slug: 'review', dependsOn: ['check'], runIf: { check: { big: true } } }, (b) =>
    b
      .step({ slug: 'approve' }, () => ({ approved: true }))
      .step({ slug: 'notify', dependsOn: ['approve'] }, () => 'reviewer notified'),
  )
  .step({ slug: 'ship', dependsOn: ['check'], runUnless: { run: { express: false } } }, () => 'express')
  // approve may be skipped: its key is optional here.
  .step({ slug: 'invoice', dependsOn: ['check', 'approve'] }, (input) =>
    input.approve === undefined ? 'auto' : 'reviewed',
  );

const sql = postgres({ onnotice: () => {} });
await registerFlow(sql, orders);
const worker = await startWorker({ sql, flows: [orders], handleSignals: false });
for (const order of [{ total: 5, express: false }, { total: 500, express: true }]) {
  const run = await startFlow(sql, orders, order);
  console.log(order.total, JSON.stringify(await run.wait({ timeoutMs: 60_000 })));
  await run.close();
}
await worker.stop();
await sql.end();
