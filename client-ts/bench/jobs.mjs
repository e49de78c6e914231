// JOBS: one-step jobs through the TypeScript worker, side by side with
// graphile-worker, the job queue Node users pick instead. Each engine gets N
// jobs queued first (pgflow: N runs of a one-step flow, by start_flows;
// graphile-worker: addJobs), then one worker at concurrency C, no-op handler,
// default options otherwise; timed from the worker's start to the last job
// recorded as done (polled every 20 ms for both). Rounds alternate which
// engine goes first.
//
// graphile-worker is never a dependency of this package: it is used when
// installed in BENCH_GRAPHILE_DIR (default $TMPDIR/pgflow-bench-graphile), e.g.
//   mkdir -p /tmp/pgflow-bench-graphile && cd /tmp/pgflow-bench-graphile && npm init -y && npm i graphile-worker pg
// and its row says "unavailable (...)" otherwise.
//
// Standalone: node client-ts/bench/jobs.mjs (after npm run build), or through
// bench.mjs (workload key `jobs`).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** graphile-worker from BENCH_GRAPHILE_DIR, or the reason it is unavailable. */
export async function loadGraphile(dir = process.env.BENCH_GRAPHILE_DIR ?? path.join(os.tmpdir(), 'pgflow-bench-graphile')) {
  const pkgJson = path.join(dir, 'node_modules', 'graphile-worker', 'package.json');
  if (!existsSync(pkgJson)) return { unavailable: `graphile-worker not installed in ${dir} (see client-ts/bench/jobs.mjs)` };
  try {
    const require = createRequire(path.join(dir, 'package.json'));
    const gw = await import(pathToFileURL(require.resolve('graphile-worker')).href);
    const version = require('graphile-worker/package.json').version;
    return { gw: gw.default?.run ? gw.default : gw, version };
  } catch (e) {
    return { unavailable: `graphile-worker in ${dir} does not load: ${e.message}` };
  }
}

/**
 * @param {object} o
 * @param {Function} o.postgres   postgres.js
 * @param {object}   o.conn       host, port, user
 * @param {string}   o.db         a database with pgflow installed (graphile-worker gets its own schema there)
 * @param {object}   o.pkg        the built package
 * @param {object}   o.cfg        { jobs, concurrency, timeoutS }
 * @param {string}   o.tag        makes names unique per repeat
 * @param {object}   o.graphile   loadGraphile()'s result
 * @param {Function} o.onError    (message)
 */
export async function jobs({ postgres, conn, db, pkg, cfg, tag, graphile, engines = ['pgflow', 'graphile'], onError }) {
  const out = {};
  for (const e of engines) {
    if (e === 'pgflow') out.pgflow = await pgflowJobs({ postgres, conn, db, pkg, cfg, tag, onError });
    else out.graphile = graphile.gw ? await graphileJobs({ postgres, conn, db, cfg, tag, graphile, onError }) : { unavailable: graphile.unavailable };
  }
  return out;
}

async function waitFor(count, n, timeoutS) {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const done = await count();
    if (done >= n) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

async function pgflowJobs({ postgres, conn, db, pkg, cfg, tag, onError }) {
  const { Flow, registerFlow, startWorker } = pkg;
  const slug = `bench_jobs_${tag}`;
  const sql = postgres({ ...conn, database: db, max: 2, onnotice: () => {} });
  const wsql = postgres({ ...conn, database: db, idle_timeout: 0, onnotice: () => {} });
  const flow = new Flow({ slug, maxAttempts: 3, baseDelay: 1, timeout: 60 }).step({ slug: 'job' }, () => null);
  let worker;
  try {
    await registerFlow(sql, flow);
    for (let i = 0; i < cfg.jobs; i += 1000) {
      const inputs = Array.from({ length: Math.min(1000, cfg.jobs - i) }, (_, k) => ({ i: i + k }));
      await sql`select pgflow.start_flows(${slug}, ${JSON.stringify(inputs)}::text::jsonb)`;
    }
    const errors = [];
    const log = (level, message) => { if (level === 'error' || level === 'warn') errors.push(message); };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    worker = await startWorker({ sql: wsql, flows: [flow], concurrency: cfg.concurrency, handleSignals: false, log });
    const ok = await waitFor(async () => (await sql`
      select count(*)::int as n from pgflow.runs where flow_slug = ${slug} and status = 'completed'`)[0].n, cfg.jobs, cfg.timeoutS);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    for (const m of errors) onError(`pgflow worker: ${m}`);
    if (!ok) { onError(`pgflow jobs: timeout after ${cfg.timeoutS}s`); return { incomplete: true }; }
    return { seconds, jobsPerSec: cfg.jobs / seconds, nodeCpuMsPerJob: (cpu.user + cpu.system) / 1000 / cfg.jobs };
  } finally {
    if (worker) await worker.stop();
    await Promise.all([sql.end(), wsql.end()]);
  }
}

async function graphileJobs({ postgres, conn, db, cfg, tag, graphile, onError }) {
  const { gw } = graphile;
  const schema = 'bench_graphile_worker';
  const connectionString = `postgres://${encodeURIComponent(conn.user)}@${conn.host}:${conn.port}/${db}`;
  const sql = postgres({ ...conn, database: db, max: 2, onnotice: () => {} });
  const task = `job_${tag}`;
  let runner;
  let utils;
  try {
    const silent = new gw.Logger(() => () => {});
    utils = await gw.makeWorkerUtils({ connectionString, schema, logger: silent });
    await utils.migrate();
    const specs = Array.from({ length: cfg.jobs }, (_, i) => ({ identifier: task, payload: { i } }));
    for (let i = 0; i < specs.length; i += 1000) await utils.addJobs(specs.slice(i, i + 1000));
    let handled = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    runner = await gw.run({
      connectionString, schema, concurrency: cfg.concurrency, noHandleSignals: true, logger: silent,
      taskList: { [task]: async () => { handled++; } },
    });
    // Done: every handler ran and no job of the task is left (graphile-worker deletes a job when it succeeds).
    const ok = await waitFor(async () => handled < cfg.jobs ? handled : cfg.jobs - (await sql.unsafe(
      `select count(*)::int as n from ${schema}._private_jobs as j join ${schema}._private_tasks as t on t.id = j.task_id where t.identifier = $1`, [task]))[0].n,
      cfg.jobs, cfg.timeoutS);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (!ok) { onError(`graphile-worker jobs: timeout after ${cfg.timeoutS}s`); return { incomplete: true }; }
    return { seconds, jobsPerSec: cfg.jobs / seconds, nodeCpuMsPerJob: (cpu.user + cpu.system) / 1000 / cfg.jobs, version: graphile.version };
  } finally {
    if (runner) await runner.stop();
    if (utils) await utils.release();
    await sql.end();
  }
}

// Standalone: a fresh database, ROUNDS rounds alternating which engine goes first.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { default: postgres } = await import(pathToFileURL(path.join(HERE, '..', 'node_modules', 'postgres', 'src', 'index.js')).href);
  const pkg = await import(pathToFileURL(path.join(HERE, '..', 'dist', 'index.js')).href);
  const conn = { host: process.env.PGHOST ?? '127.0.0.1', port: Number(process.env.PGPORT ?? 54329), user: process.env.PGUSER ?? 'postgres' };
  const db = `${process.env.BENCH_DB_PREFIX ?? 'bench_'}jobs`;
  const admin = postgres({ ...conn, database: 'postgres', onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${db} with (force)`);
  await admin.unsafe(`create database ${db}`);
  const setup = postgres({ ...conn, database: db, onnotice: () => {} });
  await setup`create extension pgflow cascade`;
  await setup.end();
  const graphile = await loadGraphile();
  const cfg = { jobs: Number(process.env.JOBS ?? 5000), concurrency: Number(process.env.CONCURRENCY ?? 10), timeoutS: 300 };
  const rows = { pgflow: [], graphile: [] };
  for (let r = 0; r < Number(process.env.ROUNDS ?? 3); r++) {
    const res = await jobs({ postgres, conn, db, pkg, cfg, tag: `r${r}`, graphile, engines: r % 2 ? ['graphile', 'pgflow'] : ['pgflow', 'graphile'], onError: (m) => console.error(m) });
    for (const k of Object.keys(res)) rows[k].push(res[k]);
    console.log(`round ${r + 1}: pgflow ${res.pgflow.jobsPerSec?.toFixed(0)} jobs/s (${res.pgflow.nodeCpuMsPerJob?.toFixed(3)} ms CPU/job), graphile-worker ${res.graphile.jobsPerSec?.toFixed(0) ?? res.graphile.unavailable} jobs/s (${res.graphile.nodeCpuMsPerJob?.toFixed(3)} ms CPU/job)  load ${os.loadavg()[0].toFixed(2)}`);
  }
  if (process.env.BENCH_KEEP_DB !== '1') await admin.unsafe(`drop database if exists ${db} with (force)`);
  await admin.end();
}
