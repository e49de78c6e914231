// LAT: how soon the TypeScript worker, with its default options (it wakes on
// pgflow._wake_workers's notifications, polls every 2 s as a fallback), runs
// a task once it is queued. Ours only. Measured with one worker serving a
// 5-step linear flow (the probe) and a 1-step flow (the load):
//   hops      per hop of the probe's runs: start_flow called -> step 1's handler
//             started, and step n's handler returned -> step n+1's handler
//             started (complete_tasks, its commit and notification, the
//             worker's read+start_tasks); p50/p95 over every hop
//   e2e       start_flow called -> the run's handle.wait() resolved (the client
//             as an app uses it), median and p95 over the runs
//   idle      the probe runs one at a time on an otherwise idle worker
//   load      the same while other connections start runs of the load flow
//             at a fixed rate, which the same worker (concurrency 10) serves
//   queries/s what the idle worker sends (postgres.js's debug hook counts them)
import { performance } from 'node:perf_hooks';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function summarize(xs) {
  if (!xs.length) return { n: 0, mean: null, p50: null, p95: null, max: null };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

/**
 * @param {object} o
 * @param {Function} o.postgres   postgres.js
 * @param {object}   o.conn       host, port, user
 * @param {string}   o.db         the database (pgflow installed)
 * @param {object}   o.pkg        the built package (Flow, registerFlow, startFlow, startWorker)
 * @param {object}   o.cfg        { runs, loadRate, loadClients, idleSeconds, timeoutS }
 * @param {string}   o.tag        makes the flow slugs unique per repeat
 * @param {Function} o.onError    (message) for each error
 */
export async function latency({ postgres, conn, db, pkg, cfg, tag, onError }) {
  const { Flow, registerFlow, startFlow, startWorker } = pkg;
  const probeSlug = `bench_lat_${tag}`;
  const loadSlug = `bench_lat_load_${tag}`;
  const marks = new Map(); // run id -> { start: [...], end: [...] }
  const mark = (id, i, what) => {
    let m = marks.get(id);
    if (!m) marks.set(id, (m = { start: [], end: [] }));
    m[what][i] = performance.now();
  };
  const handler = (i) => (input) => {
    mark(input.run.id, i, 'start');
    const out = { i };
    mark(input.run.id, i, 'end');
    return out;
  };
  let probe = new Flow({ slug: probeSlug, maxAttempts: 3, baseDelay: 1, timeout: 60 }).step({ slug: 's1' }, handler(1));
  for (let i = 2; i <= 5; i++) probe = probe.step({ slug: `s${i}`, dependsOn: [`s${i - 1}`] }, handler(i));
  const load = new Flow({ slug: loadSlug, maxAttempts: 3, baseDelay: 1, timeout: 60 }).step({ slug: 'a' }, () => null);

  const common = { ...conn, database: db, idle_timeout: 0, onnotice: () => {} };
  const client = postgres({ ...common, max: 2 });
  let queries = 0;
  const qsql = postgres({ ...common, debug: () => queries++ });
  const wsql = postgres(common);
  const loaders = Array.from({ length: cfg.loadClients }, () => postgres({ ...common, max: 1 }));
  let worker;
  try {
    await registerFlow(client, probe);
    await registerFlow(client, load);
    const errors = [];
    const log = (level, message) => { if (level === 'error' || level === 'warn') errors.push(message); };
    // What an idle worker serving one flow sends: reads (the fallback poll) and heartbeats.
    const idleWorker = await startWorker({ sql: qsql, flows: [probe], handleSignals: false, log });
    await sleep(300);
    queries = 0;
    const q0 = performance.now();
    await sleep(cfg.idleSeconds * 1000);
    const idleQueriesPerSec = queries / ((performance.now() - q0) / 1000);
    await idleWorker.stop();

    // Default options: only what a benchmark must set.
    worker = await startWorker({ sql: wsql, flows: [probe, load], handleSignals: false, log });
    await sleep(300); // LISTEN and its probe in place

    let nextId = 0;
    const probeRuns = async () => {
      const hops = [];
      const e2e = [];
      for (let r = 0; r < cfg.runs; r++) {
        const id = `p${nextId++}`;
        const t0 = performance.now();
        const handle = await startFlow(client, probe, { id });
        try {
          await handle.wait({ timeoutMs: cfg.timeoutS * 1000 });
        } catch (e) {
          onError(`run ${handle.runId}: ${e.message}`);
          continue;
        }
        e2e.push(performance.now() - t0);
        const m = marks.get(id);
        hops.push(m.start[1] - t0);
        for (let i = 2; i <= 5; i++) hops.push(m.start[i] - m.end[i - 1]);
        await sleep(20); // the next run on an idle worker
      }
      return { hops: summarize(hops), e2e: summarize(e2e) };
    };

    const idle = await probeRuns();

    // Under load: runs of the load flow at a fixed rate, from their own connections.
    let stop = false;
    let loadStarted = 0;
    const [c0] = await client`select count(*)::int as n from pgflow.runs where flow_slug = ${loadSlug} and status = 'completed'`;
    const gap = (1000 * cfg.loadClients) / cfg.loadRate;
    const generators = loaders.map(async (l, k) => {
      let next = performance.now() + (gap * k) / cfg.loadClients;
      while (!stop) {
        await sleep(Math.max(0, next - performance.now()));
        next += gap;
        try {
          await l`select pgflow.start_flow(${loadSlug}, ${l.json({ k })})`;
          loadStarted++;
        } catch (e) {
          onError(`load start_flow: ${e.message}`);
        }
      }
    });
    await sleep(500); // the load under way
    const lt0 = performance.now();
    const loaded = await probeRuns();
    const [c1] = await client`select count(*)::int as n from pgflow.runs where flow_slug = ${loadSlug} and status = 'completed'`;
    const loadRunsPerSec = (c1.n - c0.n) / ((performance.now() - lt0 + 500) / 1000);
    stop = true;
    await Promise.all(generators);
    for (const m of errors) onError(`worker: ${m}`);
    return {
      idle,
      load: { ...loaded, targetRunsPerSec: cfg.loadRate, loadRunsCompletedPerSec: loadRunsPerSec, loadRunsStarted: loadStarted },
      idleQueriesPerSec,
      workerErrors: errors.length,
    };
  } finally {
    if (worker) await worker.stop();
    await Promise.all([client.end(), wsql.end(), qsql.end(), ...loaders.map((l) => l.end())]);
  }
}
