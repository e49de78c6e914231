// How a run handle waits: its flow's channel is shared by the client's
// handles (one LISTEN, one subscription, kept a moment after the last handle
// closed), and wait() reads the run at its start and at its last event, not
// at every step event.
import { afterEach, describe, expect, it } from 'vitest';
import { registerFlow, startFlow, watchRun } from '../../src/client/client.js';
import { Flow } from '../../src/dsl/flow.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { useTestDatabase } from './harness.js';

const db = useTestDatabase();

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
});

const chain = new Flow<{ n: number }>({ slug: 'wait_chain' })
  .step({ slug: 's1' }, (input) => input.run.n + 1)
  .step({ slug: 's2', dependsOn: ['s1'] }, (input) => input.s1 + 1)
  .step({ slug: 's3', dependsOn: ['s2'] }, (input) => input.s2 + 1)
  .step({ slug: 's4', dependsOn: ['s3'] }, (input) => input.s3 + 1)
  .step({ slug: 's5', dependsOn: ['s4'] }, (input) => input.s4 + 1);

/** A client whose statements are counted by what they call. */
function countingClient() {
  const count = { subscribe: 0, getRun: 0, listen: 0, unlisten: 0 };
  const sql = db.connect({
    debug: (_c: number, query: string) => {
      if (query.includes('pgflow.subscribe')) count.subscribe++;
      else if (query.includes('get_run_with_states')) count.getRun++;
      else if (/^\s*listen /i.test(query)) count.listen++;
      else if (/^\s*unlisten /i.test(query)) count.unlisten++;
    },
  });
  return { sql, count };
}

describe('waiting for a run', () => {
  it('runs one after another share one LISTEN and one subscription; wait() reads each run twice at most', { timeout: 60_000 }, async () => {
    await registerFlow(db.sql, chain);
    workers.push(await startWorker({ sql: db.sql, flows: [chain], handleSignals: false }));
    const { sql, count } = countingClient();
    for (let n = 0; n < 4; n++) {
      const handle = await startFlow(sql, chain, { n });
      expect(await handle.wait({ timeoutMs: 20_000 })).toEqual({ s5: n + 5 });
    }
    expect(count.subscribe).toBe(1);
    expect(count.listen).toBeLessThanOrEqual(1); // the listening connection may not report through debug
    expect(count.unlisten).toBe(0); // kept for the next run
    expect(count.getRun).toBeLessThanOrEqual(8); // 10 step events per run: none of them reads
  });

  it('handles of runs at once get their own events only, and each its own output', { timeout: 60_000 }, async () => {
    await registerFlow(db.sql, chain);
    workers.push(await startWorker({ sql: db.sql, flows: [chain], handleSignals: false }));
    const handles = await Promise.all([1, 2, 3].map((n) => startFlow(db.sql, chain, { n: n * 10 })));
    const again = await watchRun(db.sql, chain, handles[0]!.runId); // a second handle on the first run
    const events: string[] = [];
    const collect = (async () => {
      for await (const e of again.events()) {
        expect(e.payload.run_id).toBe(handles[0]!.runId);
        events.push(e.event);
      }
    })();
    expect(await Promise.all(handles.map((h) => h.wait({ timeoutMs: 20_000 })))).toEqual([{ s5: 15 }, { s5: 25 }, { s5: 35 }]);
    await collect;
    expect(events.at(-1)).toBe('run:completed');
  });
});
