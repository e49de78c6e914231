#!/usr/bin/env node
// pgflow benchmark: our extension (database bench_ours) against upstream
// @pgflow/core 0.8.1 (database bench_upstream), same server, same run.
//
//   node client-ts/bench/bench.mjs          (normally through scripts/bench.sh)
//
// Env: PGHOST PGPORT PGUSER (default 127.0.0.1 54329 postgres)
//      BENCH_SCALE=0.2                 shrink every size (smoke run)
//      BENCH_UPSTREAM_MIGRATIONS=dir   upstream's .sql migrations (scripts/bench.sh fetches them)
//      BENCH_UPSTREAM_UNAVAILABLE=why  skip upstream, print why
//      PGBENCH=path                    pgbench binary for L2
//      BENCH_DB_PREFIX=bench_          the databases' names: <prefix>ours and <prefix>upstream
//      BENCH_KEEP_DB=1                 keep bench_ours and bench_upstream afterwards (dropped otherwise)
//      BENCH_ONLY=w1_c8,lat             run only these workloads (keys as in the JSON), for profiling
//      BENCH_TIMEOUT_S=120             give up on one workload after this long (counted as an error)
//      BENCH_GRAPHILE_DIR=dir          where graphile-worker is installed for JOBS (default $TMPDIR/pgflow-bench-graphile;
//                                      its row says unavailable when it is not: client-ts/bench/jobs.mjs says how to install it)
//      BENCH_WAKE=off                  make pgflow._wake_workers a no-op in bench_ours (what wake-ups cost)
//      BENCH_PGMQ_NOTIFY=0             turn pgmq's notify on insert on for W1's queues (throttle in ms)
//      BENCH_REPEAT=3                  repeats of every workload (1 when BENCH_SCALE < 1); the table
//                                      shows the median, the JSON every repeat. Repeats alternate which
//                                      engine goes first.
//
// Prints one table and writes the raw numbers to bench-results/<timestamp>.json.
// Every error, deadlock (40P01), serialization failure (40001) and retry is
// counted and printed with the SQL that failed; a worker retries a call that
// hit a deadlock or a serialization failure.

import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { latency } from './latency.mjs';
import { jobs, loadGraphile } from './jobs.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

async function loadPostgres() {
  try {
    return (await import('postgres')).default;
  } catch (e) {
    if (process.env.BENCH_POSTGRES_MODULE) {
      return (await import(pathToFileURL(process.env.BENCH_POSTGRES_MODULE).href)).default;
    }
    console.error('bench: the `postgres` npm package is missing from client-ts/node_modules (run `make deps`)');
    process.exit(2);
  }
}
const postgres = await loadPostgres();

// ---------------------------------------------------------------- config
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be > 0, got ${process.env.BENCH_SCALE}`);
const sz = (x, min = 1) => Math.max(min, Math.round(x * SCALE));
const CFG = {
  scale: SCALE,
  w1: { runs: sz(200, 2), steps: 10, concurrency: [1, 4, 8], batch: 10 },
  w2: { runs: sz(20, 1), width: 50, concurrency: 4, batch: 10 },
  // one complete_task per task (the per-task protocol), ours and upstream side by side
  each: { w1: [1, 4, 8], w2: [1, 4, 8], w3: [4] },
  w3: { elements: sz(1000, 10), concurrency: 4, batch: 10 },
  w4: { perLoop: sz(250, 5), steps: 10, concurrency: [1, 4] },
  w5: { runs: sz(200, 2), steps: 10, concurrency: 10 },
  // size rows: costs that must grow linearly (a long flow, a large map)
  size: { steps: sz(1000, 10), mapElements: sz(100000, 100), mapConcurrency: 4, mapBatch: 50 },
  lat: { runs: sz(20, 5), loadRate: 200, loadClients: 2, idleSeconds: Math.max(2, Math.round(6 * SCALE)) },
  // one-step jobs through the TS worker beside graphile-worker (when installed: jobs.mjs)
  jobs: { jobs: sz(5000, 100), concurrency: 10 },
  l1: { seconds: Math.max(1, 5 * SCALE), concurrency: 4 },
  l2: { seconds: Math.max(2, Math.round(10 * SCALE)), clients: 4, threads: 2 },
  repeat: Math.max(1, Number(process.env.BENCH_REPEAT ?? (SCALE < 1 ? 1 : 3))),
  readVt: 30,
  timeoutS: Number(process.env.BENCH_TIMEOUT_S ?? 120),
};
const CONN = {
  host: process.env.PGHOST || '127.0.0.1',
  port: Number(process.env.PGPORT || 54329),
  user: process.env.PGUSER || 'postgres',
};
const PGBENCH = process.env.PGBENCH || 'pgbench';
// The bench's databases are <prefix>ours and <prefix>upstream (two benches on one server need two prefixes).
const DB_PREFIX = process.env.BENCH_DB_PREFIX || 'bench_';

// ---------------------------------------------------------------- helpers
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const P = { prepare: true };
const connect = (database, extra = {}) =>
  postgres({ ...CONN, database, max: 1, idle_timeout: 0, connect_timeout: 10, onnotice: () => {}, ...extra });

function median(xs) {
  const s = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function summarize(xs) {
  if (!xs.length) return { n: 0, mean: null, p50: null, p95: null, max: null };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

// Per-engine error bookkeeping: nothing is hidden.
function newCounters() {
  return { errors: 0, deadlocks: 0, serialization: 0, retries: 0, notices: 0, noopCompletes: 0, emptyReads: 0, readNotStarted: 0, failures: new Map() };
}
function record(ctr, where, sqlText, e) {
  const key = `${where}|${sqlText}|${e.code ?? '-'}|${e.message}`;
  const f = ctr.failures.get(key) ?? { where, sql: sqlText, sqlstate: e.code ?? null, message: e.message, count: 0 };
  f.count++;
  ctr.failures.set(key, f);
}
// Runs one SQL call; a deadlock or serialization failure rolls the call back, so it is retried (and counted).
async function call(ctr, where, conn, sqlText, params) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await conn.unsafe(sqlText, params, P);
    } catch (e) {
      const retryable = e.code === '40P01' || e.code === '40001';
      record(ctr, where, sqlText, e);
      if (retryable) {
        if (e.code === '40P01') ctr.deadlocks++;
        else ctr.serialization++;
        if (attempt < 20) {
          ctr.retries++;
          await sleep(1 + Math.random() * 5);
          continue;
        }
      }
      ctr.errors++;
      return null;
    }
  }
}

// ---------------------------------------------------------------- SQL (identical for both engines)
const SQL = {
  read: 'select msg_id from pgmq.read($1, $2, $3)',
  startTasks: 'select run_id, step_slug, task_index from pgflow.start_tasks($1, $2::text::bigint[], $3::uuid)',
  completeTask: 'select 1 as ok from pgflow.complete_task($1::uuid, $2, $3, $4::text::jsonb)',
  // ours only: the batch form, one transaction for a worker's whole batch
  completeTasks: 'select run_id from pgflow.complete_tasks($1::text::jsonb)',
  startFlow: 'select run_id from pgflow.start_flow($1, $2::text::jsonb)',
  // ours only: many runs in one call and one transaction
  startFlows: 'select run_id from pgflow.start_flows($1, $2::text::jsonb)',
  createFlow: 'select 1 from pgflow.create_flow($1, 3, 1, 60)',
  addRoot: 'select 1 from pgflow.add_step($1, $2)',
  addDeps: "select 1 from pgflow.add_step($1, $2, string_to_array($3, ','))",
  addRootMap: "select 1 from pgflow.add_step($1, $2, step_type => 'map')",
  truncate: 'truncate pgflow.step_tasks, pgflow.step_states, pgflow.runs, pgflow.workers cascade',
  l1send: "select pgmq.send($1, $2::text::jsonb) as msg_id",
  l1read: 'select msg_id from pgmq.read($1, 30, 1)',
  l1archive: 'select pgmq.archive($1, $2::bigint) as ok',
};

// ---------------------------------------------------------------- engines
// Upstream is a Supabase project's migrations: on plain PostgreSQL its functions
// call realtime.send(), which only Supabase has. A no-op stub stands in for it
// (events are not part of what is measured: ours sends pg_notify in the same places).
const REALTIME_STUB = `
create schema if not exists realtime;
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language sql as 'select null::void';`;

const engines = [
  {
    name: 'ours',
    db: `${DB_PREFIX}ours`,
    async install(sql) {
      await sql.unsafe('create extension pgflow cascade').simple();
      // A/B of the wake-ups' cost: BENCH_WAKE=off makes pgflow._wake_workers a no-op.
      if (process.env.BENCH_WAKE === 'off') {
        await sql.unsafe("create or replace function pgflow._wake_workers(flow_slug text) returns void language sql set search_path = '' as 'select null::void'");
      }
      const [v] = await sql.unsafe("select extversion from pg_extension where extname = 'pgflow'");
      // Which build of the engine ran: the source of its functions, hashed.
      const [h] = await sql.unsafe(`select left(md5(string_agg(p.prosrc, '' order by p.proname, p.oid::regprocedure::text)), 10) as h
                                      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'pgflow'`);
      return { version: v.extversion, functionsMd5: h.h, git: process.env.BENCH_GIT ?? null, adjustments: [] };
    },
    registerWorker: (conn, wid, flow) =>
      conn.unsafe('select 1 from pgflow.register_worker($1::uuid, $2, $3)', [wid, flow, 'bench'], P),
    // its workers report a batch's results with one complete_tasks call
    batchComplete: true,
  },
  {
    name: 'upstream',
    db: `${DB_PREFIX}upstream`,
    async install(sql) {
      if (process.env.BENCH_UPSTREAM_UNAVAILABLE) throw new Error(process.env.BENCH_UPSTREAM_UNAVAILABLE);
      const dir = process.env.BENCH_UPSTREAM_MIGRATIONS;
      if (!dir) throw new Error('BENCH_UPSTREAM_MIGRATIONS not set (run through scripts/bench.sh)');
      const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
      if (!files.length) throw new Error(`no .sql migrations in ${dir}`);
      await sql.unsafe(REALTIME_STUB).simple();
      for (const f of files) {
        try {
          await sql.unsafe(readFileSync(path.join(dir, f), 'utf8')).simple();
        } catch (e) {
          throw new Error(`migration ${f} failed on PostgreSQL ${await serverVersion(sql)}: ${e.code} ${e.message}`);
        }
      }
      const [m] = await sql.unsafe("select extversion from pg_extension where extname = 'pgmq'");
      return {
        version: '0.8.1',
        migrations: files,
        pgmq: m?.extversion,
        adjustments: ['no-op stub realtime.send(jsonb, text, text, boolean) in schema realtime (Supabase-only); migrations applied unmodified, in file-name order'],
      };
    },
    registerWorker: (conn, wid, flow) =>
      conn.unsafe('insert into pgflow.workers (worker_id, queue_name, function_name) values ($1::uuid, $2, $3)', [wid, flow, 'bench'], P),
  },
];

async function serverVersion(sql) {
  const [r] = await sql.unsafe('show server_version');
  return r.server_version;
}

async function recreateDb(name) {
  const admin = connect('postgres');
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------- flows
async function defineLinear(sql, flow, steps) {
  await sql.unsafe(SQL.createFlow, [flow], P);
  for (let i = 1; i <= steps; i++) {
    const s = `s${String(i).padStart(2, '0')}`;
    if (i === 1) await sql.unsafe(SQL.addRoot, [flow, s], P);
    else await sql.unsafe(SQL.addDeps, [flow, s, `s${String(i - 1).padStart(2, '0')}`], P);
  }
}
async function defineFan(sql, flow, width) {
  await sql.unsafe(SQL.createFlow, [flow], P);
  await sql.unsafe(SQL.addRoot, [flow, 'root'], P);
  const mids = [];
  for (let i = 1; i <= width; i++) {
    const s = `p${String(i).padStart(2, '0')}`;
    mids.push(s);
    await sql.unsafe(SQL.addDeps, [flow, s, 'root'], P);
  }
  await sql.unsafe(SQL.addDeps, [flow, 'join', mids.join(',')], P);
}
async function defineMap(sql, flow) {
  await sql.unsafe(SQL.createFlow, [flow], P);
  await sql.unsafe(SQL.addRootMap, [flow, 'm'], P);
}

// A clean slate for each workload: runtime tables emptied, a fresh flow (and queue).
async function freshState(sql) {
  await sql.unsafe(SQL.truncate);
}

// ---------------------------------------------------------------- drivers
// C worker loops, each on its own connection: read up to `batch` messages,
// start_tasks, then complete the tasks with '{}': one complete_tasks call for
// the batch where the engine has it (ours), else complete_task for each task
// (upstream; ours too with perTask), until `expected` tasks completed. The
// complete latency is per task (a batch call's time shared by its tasks).
async function driveWorkers(eng, ctr, flow, concurrency, batch, expected, { perTask = false } = {}) {
  const batched = eng.batchComplete && !perTask;
  const conns = Array.from({ length: concurrency }, () => connect(eng.db));
  const lat = { start: [], complete: [] };
  const shared = { completed: 0, started: 0, read: 0, done: false, timedOut: false };
  try {
    const wids = [];
    for (const c of conns) {
      const wid = randomUUID();
      await eng.registerWorker(c, wid, flow);
      wids.push(wid);
    }
    const deadline = Date.now() + CFG.timeoutS * 1000;
    const t0 = performance.now();
    await Promise.all(conns.map(async (conn, i) => {
      const wid = wids[i];
      while (!shared.done) {
        if (Date.now() > deadline) { shared.timedOut = true; shared.done = true; break; }
        const msgs = await call(ctr, 'read', conn, SQL.read, [flow, CFG.readVt, batch]);
        if (!msgs || msgs.length === 0) { ctr.emptyReads++; await sleep(2); continue; }
        shared.read += msgs.length;
        const ids = `{${msgs.map((m) => m.msg_id).join(',')}}`;
        let t = performance.now();
        const tasks = await call(ctr, 'start_tasks', conn, SQL.startTasks, [flow, ids, wid]);
        lat.start.push(performance.now() - t);
        if (!tasks) continue;
        shared.started += tasks.length;
        if (batched && tasks.length) {
          t = performance.now();
          const items = JSON.stringify(tasks.map((k) => ({ run_id: k.run_id, step_slug: k.step_slug, task_index: k.task_index, output: {} })));
          const r = await call(ctr, 'complete_tasks', conn, SQL.completeTasks, [items]);
          const each = (performance.now() - t) / tasks.length;
          for (let i = 0; i < tasks.length; i++) lat.complete.push(each);
          if (r) {
            shared.completed += r.length;
            ctr.noopCompletes += tasks.length - r.length;
          }
          if (shared.completed >= expected) shared.done = true;
          continue;
        }
        for (const task of tasks) {
          t = performance.now();
          const r = await call(ctr, 'complete_task', conn, SQL.completeTask, [task.run_id, task.step_slug, task.task_index, '{}']);
          lat.complete.push(performance.now() - t);
          if (r && r.length) shared.completed++;
          else if (r) ctr.noopCompletes++;
          if (shared.completed >= expected) shared.done = true;
        }
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    if (shared.timedOut) {
      record(ctr, 'workload', `flow ${flow}`, { code: null, message: `timeout after ${CFG.timeoutS}s: ${shared.completed} of ${expected} tasks completed` });
      ctr.errors++;
    }
    ctr.readNotStarted += shared.read - shared.started;
    return { seconds, completed: shared.completed, started: shared.started, msgsRead: shared.read, expected, incomplete: shared.completed < expected, tasksPerSec: shared.completed / seconds, latency: { start_tasks: summarize(lat.start), complete_task: summarize(lat.complete) } };
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}

// Checks what the database says once the workers stopped: every run completed.
async function verifyRuns(sql, ctr, flow, expectedRuns) {
  const [r] = await sql.unsafe(
    "select count(*)::int as total, count(*) filter (where status = 'completed')::int as completed from pgflow.runs where flow_slug = $1", [flow], P);
  if (r.total !== expectedRuns || r.completed !== expectedRuns) {
    r.incomplete = true;
    ctr.errors++;
    record(ctr, 'verify', `runs of ${flow}`, { code: null, message: `${r.completed} of ${r.total} runs completed, expected ${expectedRuns}` });
  }
  return r;
}

async function startRuns(sql, flow, n, inputFn) {
  for (let i = 0; i < n; i++) await sql.unsafe(SQL.startFlow, [flow, JSON.stringify(inputFn(i))], P);
}

// Bytes of the engine's tables plus the flow's queue and archive per completed
// task, and the bytes of each table (with its TOAST) and each index, largest first.
async function storagePerTask(sql, flow) {
  const rels = await sql.unsafe(`
    select coalesce(i.indexrelid, t.oid)::regclass::text as rel,
           (case when i.indexrelid is null then pg_table_size(t.oid) else pg_relation_size(i.indexrelid) end)::bigint as bytes
      from pg_class t join pg_namespace n on n.oid = t.relnamespace
      left join lateral (select null::oid as indexrelid union all
                         select x.indexrelid from pg_index x where x.indrelid = t.oid) as i on true
     where t.relkind in ('r', 'p')
       and (n.nspname = 'pgflow'
            or (n.nspname = 'pgmq' and t.relname in ('q_' || lower($1), 'a_' || lower($1))))
     order by 2 desc, 1`, [flow], P);
  const [r] = await sql.unsafe(
    "select count(*)::bigint as tasks from pgflow.step_tasks where flow_slug = $1 and status = 'completed'", [flow], P);
  const relations = Object.fromEntries(rels.map((x) => [x.rel, Number(x.bytes)]));
  const queue = rels.filter((x) => x.rel.startsWith('pgmq.')).reduce((a, x) => a + Number(x.bytes), 0);
  const engine = rels.filter((x) => !x.rel.startsWith('pgmq.')).reduce((a, x) => a + Number(x.bytes), 0);
  const tasks = Number(r.tasks);
  return { engineBytes: engine, queueBytes: queue, completedTasks: tasks, bytesPerTask: tasks ? (engine + queue) / tasks : null, relations };
}

async function serverDeadlocks(sql, db) {
  const [r] = await sql.unsafe('select deadlocks::bigint as d from pg_stat_database where datname = $1', [db], P);
  return Number(r?.d ?? 0);
}

// ---------------------------------------------------------------- workloads
async function w1(eng, sql, ctr, c, rep, { perTask = false } = {}) {
  const flow = `bench_w1_c${c}${perTask ? '_each' : ''}_r${rep}`;
  await freshState(sql);
  await defineLinear(sql, flow, CFG.w1.steps);
  // BENCH_PGMQ_NOTIFY=<throttle ms>: pgmq's own notify on insert on W1's queue, to compare its cost.
  if (eng.name === 'ours' && process.env.BENCH_PGMQ_NOTIFY) await sql.unsafe('select pgmq.enable_notify_insert($1, $2::integer)', [flow, Number(process.env.BENCH_PGMQ_NOTIFY)]);
  await startRuns(sql, flow, CFG.w1.runs, (i) => ({ i }));
  const r = await driveWorkers(eng, ctr, flow, c, CFG.w1.batch, CFG.w1.runs * CFG.w1.steps, { perTask });
  r.runs = await verifyRuns(sql, ctr, flow, CFG.w1.runs);
  r.incomplete ||= !!r.runs.incomplete;
  r.storage = await storagePerTask(sql, flow);
  // After prune (ours: pgflow.prune deletes finished runs and their archived
  // messages) and a plain VACUUM: what stays allocated per task of the workload.
  if (eng.name === 'ours') {
    await sql.unsafe("select pgflow.prune('0 seconds')");
    for (const t of ['pgflow.step_tasks', 'pgflow.step_states', 'pgflow.runs', `pgmq.${'q_' + flow.toLowerCase()}`, `pgmq.${'a_' + flow.toLowerCase()}`]) {
      await sql.unsafe(`vacuum ${t}`);
    }
    const after = await storagePerTask(sql, flow);
    r.storage.afterPruneBytes = after.engineBytes + after.queueBytes;
    r.storage.afterPruneBytesPerTask = r.storage.afterPruneBytes / r.storage.completedTasks;
  }
  return r;
}
async function w2(eng, sql, ctr, rep, { perTask = false, c = CFG.w2.concurrency } = {}) {
  const flow = `bench_w2_c${c}${perTask ? '_each' : ''}_r${rep}`;
  await freshState(sql);
  await defineFan(sql, flow, CFG.w2.width);
  await startRuns(sql, flow, CFG.w2.runs, (i) => ({ i }));
  const r = await driveWorkers(eng, ctr, flow, c, CFG.w2.batch, CFG.w2.runs * (CFG.w2.width + 2), { perTask });
  r.runs = await verifyRuns(sql, ctr, flow, CFG.w2.runs);
  r.incomplete ||= !!r.runs.incomplete;
  return r;
}
async function w3(eng, sql, ctr, rep, { perTask = false, c = CFG.w3.concurrency } = {}) {
  const flow = `bench_w3_c${c}${perTask ? '_each' : ''}_r${rep}`;
  await freshState(sql);
  await defineMap(sql, flow);
  await startRuns(sql, flow, 1, () => Array.from({ length: CFG.w3.elements }, (_, i) => i));
  const r = await driveWorkers(eng, ctr, flow, c, CFG.w3.batch, CFG.w3.elements, { perTask });
  r.runs = await verifyRuns(sql, ctr, flow, 1);
  r.incomplete ||= !!r.runs.incomplete;
  return r;
}
async function w4(eng, sql, ctr, c, rep, { batch = 1 } = {}) {
  const flow = `bench_w4_c${c}${batch > 1 ? `_b${batch}` : ''}_r${rep}`;
  await freshState(sql);
  await defineLinear(sql, flow, CFG.w4.steps);
  const conns = Array.from({ length: c }, () => connect(eng.db));
  const lat = [];
  let started = 0;
  try {
    await Promise.all(conns.map((x) => x.unsafe('select 1')));
    const t0 = performance.now();
    await Promise.all(conns.map(async (conn, k) => {
      for (let i = 0; i < CFG.w4.perLoop; i += batch) {
        const t = performance.now();
        const n = Math.min(batch, CFG.w4.perLoop - i);
        const r = batch > 1
          ? await call(ctr, 'start_flows', conn, SQL.startFlows, [flow, JSON.stringify(Array.from({ length: n }, (_, j) => ({ loop: k, i: i + j })))])
          : await call(ctr, 'start_flow', conn, SQL.startFlow, [flow, JSON.stringify({ loop: k, i })]);
        lat.push((performance.now() - t) / n);
        if (r) started += r.length;
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const [n] = await sql.unsafe('select count(*)::int as n from pgflow.runs where flow_slug = $1', [flow], P);
    const incomplete = n.n !== c * CFG.w4.perLoop || started !== c * CFG.w4.perLoop;
    if (n.n !== c * CFG.w4.perLoop) {
      ctr.errors++;
      record(ctr, 'verify', `runs of ${flow}`, { code: null, message: `${n.n} runs exist, expected ${c * CFG.w4.perLoop}` });
    }
    return { seconds, started, incomplete, runsPerSec: started / seconds, latency: { start_flow: summarize(lat) } };
  } finally {
    await Promise.all(conns.map((x) => x.end()));
  }
}

// SIZE1: a flow of CFG.size.steps steps in a chain: add_step for each (one
// statement, one transaction), ensure_flow of the same shape (ours), then
// start_flow on it (median of 5 runs).
async function size1(eng, sql, ctr, rep) {
  const n = CFG.size.steps;
  const flow = `bench_sz_r${rep}`;
  await freshState(sql);
  await sql.unsafe(SQL.createFlow, [flow], P);
  let t = performance.now();
  await sql.unsafe(`select count(*) from generate_series(1, $2::int) as i,
                      lateral pgflow.add_step($1, 's' || i, case when i = 1 then '{}'::text[] else array['s' || (i - 1)] end) as x`, [flow, n], P);
  const addStepS = (performance.now() - t) / 1000;
  let ensureFlowS = null;
  if (eng.name === 'ours') {
    const shape = { steps: Array.from({ length: n }, (_, i) => ({ slug: `s${i + 1}`, type: 'single', deps: i ? [`s${i}`] : [] })) };
    t = performance.now();
    await sql.unsafe('select 1 from pgflow.ensure_flow($1, $2::text::jsonb)', [`${flow}_e`, JSON.stringify(shape)], P);
    ensureFlowS = (performance.now() - t) / 1000;
  }
  const starts = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await sql.unsafe(SQL.startFlow, [flow, JSON.stringify({ i })], P);
    starts.push(performance.now() - t);
  }
  return { steps: n, addStepS, addStepMsPerStep: (addStepS * 1000) / n, ensureFlowS, startFlowMs: median(starts) };
}

// SIZE2: a root map over CFG.size.mapElements elements: start_flow, then every
// task through the SQL protocol (ours: complete_tasks per batch), until the
// run completed. Upstream: the start only (one complete_task per task would
// take minutes).
async function size2(eng, sql, ctr, rep) {
  const n = CFG.size.mapElements;
  const flow = `bench_szmap_r${rep}`;
  await freshState(sql);
  await defineMap(sql, flow);
  const input = JSON.stringify(Array.from({ length: n }, (_, i) => i));
  let t = performance.now();
  await sql.unsafe(SQL.startFlow, [flow, input], P);
  const startS = (performance.now() - t) / 1000;
  if (eng.name !== 'ours') return { elements: n, startS, startUsPerElement: (startS * 1e6) / n };
  const r = await driveWorkers(eng, ctr, flow, CFG.size.mapConcurrency, CFG.size.mapBatch, n);
  const runs = await verifyRuns(sql, ctr, flow, 1);
  return { elements: n, startS, startUsPerElement: (startS * 1e6) / n, tasksS: r.seconds, tasksUsPerElement: (r.seconds * 1e6) / n,
           incomplete: r.incomplete || !!runs.incomplete };
}

// W5: W1's flow end to end through the TypeScript worker (startWorker,
// concurrency 10, no-op handlers), ours only: upstream's worker is a Supabase
// Edge Function. From the first run started to the last run completed.
async function w5(eng, sql, ctr, rep) {
  if (eng.name !== 'ours') return { unavailable: 'upstream has no Node worker (its worker runs in Supabase Edge Functions)' };
  const { Flow, registerFlow, startWorker } = await import(pathToFileURL(path.join(REPO, 'client-ts', 'dist', 'index.js')).href);
  const slug = `bench_w5_r${rep}`;
  await freshState(sql);
  let flow = new Flow({ slug, maxAttempts: 3, baseDelay: 1, timeout: 60 }).step({ slug: 's1' }, () => ({}));
  for (let i = 2; i <= CFG.w5.steps; i++) flow = flow.step({ slug: `s${i}`, dependsOn: [`s${i - 1}`] }, () => ({}));
  await registerFlow(sql, flow);
  const wsql = postgres({ ...CONN, database: eng.db, max: 4, idle_timeout: 0, onnotice: () => {} });
  const errors = [];
  const log = (level, message) => { if (level === 'error' || level === 'warn') errors.push(message); };
  const t0 = performance.now();
  // The worker's defaults but its concurrency (it reads ahead for quick handlers, wakes on LISTEN).
  const worker = await startWorker({ sql: wsql, flows: [flow], concurrency: CFG.w5.concurrency, handleSignals: false, log });
  try {
    await startRuns(sql, slug, CFG.w5.runs, (i) => ({ i }));
    const deadline = Date.now() + CFG.timeoutS * 1000;
    for (;;) {
      const [n] = await sql.unsafe("select count(*)::int as n from pgflow.runs where flow_slug = $1 and status = 'completed'", [slug], P);
      if (n.n >= CFG.w5.runs) break;
      if (Date.now() > deadline) {
        ctr.errors++;
        record(ctr, 'w5', `flow ${slug}`, { code: null, message: `timeout after ${CFG.timeoutS}s: ${n.n} of ${CFG.w5.runs} runs completed` });
        return { incomplete: true };
      }
      await sleep(20);
    }
    const seconds = (performance.now() - t0) / 1000;
    for (const m of errors) { ctr.errors++; record(ctr, 'w5 worker', 'startWorker', { code: null, message: m }); }
    const tasks = CFG.w5.runs * CFG.w5.steps;
    return { seconds, tasks, tasksPerSec: tasks / seconds, workerErrors: errors.length };
  } finally {
    await worker.stop();
    await wsql.end();
  }
}

// JOBS: one-step jobs, the TS worker beside graphile-worker (jobs.mjs); the
// repeats alternate which of the two goes first.
const graphile = await loadGraphile();
async function jobsWorkload(eng, sql, ctr, rep) {
  const pkg = await import(pathToFileURL(path.join(REPO, 'client-ts', 'dist', 'index.js')).href);
  await freshState(sql);
  return jobs({
    postgres, conn: CONN, db: eng.db, pkg, cfg: { ...CFG.jobs, timeoutS: CFG.timeoutS }, tag: `r${rep}`, graphile,
    engines: rep % 2 ? ['graphile', 'pgflow'] : ['pgflow', 'graphile'],
    onError: (m) => { ctr.errors++; record(ctr, 'jobs', 'jobs workload', { code: null, message: m }); },
  });
}

// LAT: wake-up latency of the TypeScript worker with its default options (latency.mjs).
async function lat(eng, sql, ctr, rep) {
  const pkg = await import(pathToFileURL(path.join(REPO, 'client-ts', 'dist', 'index.js')).href);
  await freshState(sql);
  return latency({
    postgres, conn: CONN, db: eng.db, pkg, cfg: { ...CFG.lat, timeoutS: CFG.timeoutS }, tag: `r${rep}`,
    onError: (m) => { ctr.errors++; record(ctr, 'lat', 'latency workload', { code: null, message: m }); },
  });
}

// L1: the raw pgmq cycle a task costs at least: send, read, archive, one message at a time.
async function l1(db, ctr, rep) {
  const q = `bench_l1_r${rep}`;
  const admin = connect(db);
  try {
    await admin.unsafe('select pgmq.create($1)', [q], P);
  } finally { await admin.end(); }
  const conns = Array.from({ length: CFG.l1.concurrency }, () => connect(db));
  let archived = 0;
  try {
    await Promise.all(conns.map((x) => x.unsafe('select 1')));
    const t0 = performance.now();
    const end = t0 + CFG.l1.seconds * 1000;
    await Promise.all(conns.map(async (conn) => {
      while (performance.now() < end) {
        await call(ctr, 'l1 send', conn, SQL.l1send, [q, '{}']);
        const m = await call(ctr, 'l1 read', conn, SQL.l1read, [q]);
        if (!m || !m.length) { ctr.emptyReads++; continue; }
        const a = await call(ctr, 'l1 archive', conn, SQL.l1archive, [q, m[0].msg_id]);
        if (a && a[0]?.ok) archived++;
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, archived, msgsPerSec: archived / seconds };
  } finally {
    await Promise.all(conns.map((x) => x.end()));
  }
}

// L2: single-row UPDATE commits/s, pgbench.
async function l2(db) {
  const admin = connect(db);
  try {
    await admin.unsafe('drop table if exists bench_l2');
    await admin.unsafe('create table bench_l2 (id int primary key, n bigint not null)');
    await admin.unsafe('insert into bench_l2 values (1, 0)');
  } finally { await admin.end(); }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflow-bench-'));
  const script = path.join(dir, 'l2.sql');
  writeFileSync(script, 'update bench_l2 set n = n + 1 where id = 1;\n');
  const args = ['-n', '-c', String(CFG.l2.clients), '-j', String(CFG.l2.threads), '-T', String(CFG.l2.seconds), '-f', script,
    '-h', CONN.host, '-p', String(CONN.port), '-U', CONN.user, db];
  try {
    const out = await new Promise((resolve, reject) =>
      execFile(PGBENCH, args, { timeout: (CFG.l2.seconds + 30) * 1000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${PGBENCH} ${args.join(' ')}: ${err.message} ${stderr}`)) : resolve(stdout + stderr)));
    const tps = out.match(/tps = ([\d.]+) \(without initial connection time\)/);
    const failed = out.match(/number of failed transactions: (\d+)/);
    return { command: `pgbench ${args.join(' ')}`, tps: tps ? Number(tps[1]) : null, failedTransactions: failed ? Number(failed[1]) : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main
const started = new Date();
const results = { started: started.toISOString(), loadavgStart: os.loadavg(), config: CFG, server: null, engines: {}, limits: {}, workloads: {} };
const state = {};
for (const eng of engines) {
  state[eng.name] = { ctr: newCounters(), available: false, reason: null, sql: null };
}

for (const eng of engines) {
  const st = state[eng.name];
  try {
    await recreateDb(eng.db);
    st.sql = connect(eng.db);
    results.server ??= await serverVersion(st.sql);
    st.info = await eng.install(st.sql);
    st.available = true;
    st.deadlocksBefore = await serverDeadlocks(st.sql, eng.db);
  } catch (e) {
    st.reason = e.message.replace(/\s+/g, ' ').slice(0, 300);
    if (st.sql) { await st.sql.end(); st.sql = null; }
    if (eng.name === 'ours') { console.error(`bench: cannot install our extension: ${st.reason}`); process.exit(1); }
  }
  results.engines[eng.name] = { db: eng.db, available: st.available, reason: st.reason, ...(st.info ?? {}) };
}
const up = state.upstream;
if (!up.available) console.log(`upstream: unavailable (${up.reason})`);

const log = (m) => process.stderr.write(`[${((Date.now() - started.getTime()) / 1000).toFixed(1)}s] ${m}\n`);

// Limits first (same server, engine independent: measured in bench_ours).
const limCtr = newCounters();
// L1's repeats are split between the start and the end of the run, so that a
// change of load on the machine meanwhile shows in both the limit and the workloads.
const l1runs = [];
const l1At = async (n) => {
  for (let i = 0; i < n; i++) {
    const rep = l1runs.length;
    log(`L1 pgmq cycle #${rep + 1}`);
    l1runs.push(await l1(`${DB_PREFIX}ours`, limCtr, rep));
  }
};
await l1At(Math.ceil(CFG.repeat / 2));
log('L2 pgbench');
try {
  results.limits.l2 = await l2(`${DB_PREFIX}ours`);
} catch (e) {
  results.limits.l2 = { error: e.message };
  limCtr.errors++;
  record(limCtr, 'L2 pgbench', 'update bench_l2 set n = n + 1 where id = 1', e);
}

// Each workload runs for ours, then for upstream, back to back.
const plan = [
  ...CFG.w1.concurrency.map((c) => ({ key: `w1_c${c}`, fn: (e, s, k, r) => w1(e, s, k, c, r) })),
  { key: 'w2', fn: w2 },
  { key: 'w3', fn: w3 },
  // The per-task protocol: one complete_task call per task for both engines
  // (upstream has no other), alternated side by side like every workload.
  ...CFG.each.w1.map((c) => ({ key: `w1_c${c}_each`, fn: (e, s, k, r) => w1(e, s, k, c, r, { perTask: true }) })),
  ...CFG.each.w2.map((c) => ({ key: `w2_c${c}_each`, fn: (e, s, k, r) => w2(e, s, k, r, { perTask: true, c }) })),
  ...CFG.each.w3.map((c) => ({ key: `w3_c${c}_each`, fn: (e, s, k, r) => w3(e, s, k, r, { perTask: true, c }) })),
  ...CFG.w4.concurrency.map((c) => ({ key: `w4_c${c}`, fn: (e, s, k, r) => w4(e, s, k, c, r) })),
  // ours, 25 runs per start_flows call
  ...CFG.w4.concurrency.map((c) => ({ key: `w4_c${c}_batch`, only: 'ours', fn: (e, s, k, r) => w4(e, s, k, c, r, { batch: 25 }) })),
  { key: 'size1', fn: size1 },
  { key: 'size2', fn: size2 },
  { key: 'w5', only: 'ours', fn: w5 },
  { key: 'lat', only: 'ours', fn: lat },
  { key: 'jobs', only: 'ours', fn: jobsWorkload },
];
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
for (const step of plan) {
  if (only && !only.includes(step.key)) continue;
  results.workloads[step.key] = {};
  for (const eng of engines) {
    const st = state[eng.name];
    results.workloads[step.key][eng.name] = !st.available ? { unavailable: st.reason }
      : step.only && step.only !== eng.name ? { unavailable: `${step.key} runs for ${step.only} only` } : { repeats: [] };
  }
  for (let rep = 0; rep < CFG.repeat; rep++) {
    for (const eng of rep % 2 === 0 ? engines : [...engines].reverse()) {
      const st = state[eng.name];
      if (!st.available || (step.only && step.only !== eng.name)) continue;
      log(`${step.key} ${eng.name} #${rep + 1}`);
      let r;
      try {
        r = await step.fn(eng, st.sql, st.ctr, rep);
      } catch (e) {
        st.ctr.errors++;
        record(st.ctr, step.key, 'workload setup', e);
        r = { error: `${e.code ?? ''} ${e.message}`.trim() };
      }
      results.workloads[step.key][eng.name].repeats.push(r);
    }
  }
}
await l1At(CFG.repeat - Math.ceil(CFG.repeat / 2));
results.limits.l1 = { repeats: l1runs, msgsPerSec: median(l1runs.map((r) => r.msgsPerSec)) };
log('done');

for (const eng of engines) {
  const st = state[eng.name];
  if (!st.sql) continue;
  st.serverDeadlocks = (await serverDeadlocks(st.sql, eng.db)) - st.deadlocksBefore;
  await st.sql.end();
}
// The bench databases go, unless BENCH_KEEP_DB=1 keeps them for a look.
if (process.env.BENCH_KEEP_DB !== '1') {
  const admin = connect('postgres');
  try {
    for (const eng of engines) await admin.unsafe(`drop database if exists ${eng.db} with (force)`);
  } finally { await admin.end(); }
}

// ---------------------------------------------------------------- report
const W = results.workloads;
const L1 = results.limits.l1?.msgsPerSec ?? null;
// The median over the repeats that ran to the end (one that failed or timed out is
// counted among the errors and left out; none left: n/a).
const get = (key, eng, f) => {
  const ok = (W[key]?.[eng]?.repeats ?? []).filter((r) => !r.error && !r.incomplete);
  return ok.length ? median(ok.map(f)) : null;
};
const rows = [];
const row = (label, ours, upstream, { vsL1 = false, unit = '', range = null } = {}) => rows.push({ label, ours, upstream, vsL1, unit, range });
// The range over the repeats of ours/upstream, each repeat's ratio taken within the
// pair that ran back to back (key: the workload; f: the figure).
const ratioRange = (key, f) => {
  const o = W[key]?.ours?.repeats ?? [], u = W[key]?.upstream?.repeats ?? [];
  const rs = o.map((r, i) => (r && u[i] && !r.error && !r.incomplete && !u[i].error && !u[i].incomplete && f(u[i]) ? f(r) / f(u[i]) : null))
    .filter((x) => x != null && Number.isFinite(x));
  return rs.length ? [Math.min(...rs), Math.max(...rs)] : null;
};
const tps = (r) => r.tasksPerSec;
rows.push({ label: `L1 pgmq send+read+archive, C=${CFG.l1.concurrency} (msgs/s)`, ours: L1, upstream: undefined, limit: true });
rows.push({ label: `L2 pgbench 1-row UPDATE, c=${CFG.l2.clients} (commits/s)`, ours: results.limits.l2?.tps ?? null, upstream: undefined, limit: true });
for (const c of CFG.w1.concurrency) {
  const k = `w1_c${c}`;
  row(`W1 linear ${CFG.w1.steps} steps x ${CFG.w1.runs} runs, C=${c} (tasks/s)`, get(k, 'ours', (r) => r.tasksPerSec), get(k, 'upstream', (r) => r.tasksPerSec), { vsL1: true, range: ratioRange(k, tps) });
  row(`W1 C=${c} start_tasks mean (ms, lower=better)`, get(k, 'ours', (r) => r.latency.start_tasks.mean), get(k, 'upstream', (r) => r.latency.start_tasks.mean));
  row(`W1 C=${c} complete mean per task (ms, lower=better)`, get(k, 'ours', (r) => r.latency.complete_task.mean), get(k, 'upstream', (r) => r.latency.complete_task.mean));
}
row(`W2 root->${CFG.w2.width}->join x ${CFG.w2.runs} runs, C=${CFG.w2.concurrency} (tasks/s)`, get('w2', 'ours', (r) => r.tasksPerSec), get('w2', 'upstream', (r) => r.tasksPerSec), { vsL1: true, range: ratioRange('w2', tps) });
row(`W3 root map over ${CFG.w3.elements}, C=${CFG.w3.concurrency} (tasks/s)`, get('w3', 'ours', (r) => r.tasksPerSec), get('w3', 'upstream', (r) => r.tasksPerSec), { vsL1: true, range: ratioRange('w3', tps) });
// Per-task rows: both engines complete each task with its own complete_task call.
for (const c of CFG.each.w1) {
  row(`W1 per task (one complete_task per task), C=${c} (tasks/s)`, get(`w1_c${c}_each`, 'ours', (r) => r.tasksPerSec), get(`w1_c${c}_each`, 'upstream', (r) => r.tasksPerSec), { vsL1: true, range: ratioRange(`w1_c${c}_each`, tps) });
}
row(`W1 per task C=4 complete_task mean (ms, lower=better)`, get('w1_c4_each', 'ours', (r) => r.latency.complete_task.mean), get('w1_c4_each', 'upstream', (r) => r.latency.complete_task.mean));
for (const c of CFG.each.w2) {
  row(`W2 per task, C=${c} (tasks/s)`, get(`w2_c${c}_each`, 'ours', (r) => r.tasksPerSec), get(`w2_c${c}_each`, 'upstream', (r) => r.tasksPerSec), { vsL1: true, range: ratioRange(`w2_c${c}_each`, tps) });
}
for (const c of CFG.each.w3) {
  row(`W3 per task, C=${c} (tasks/s)`, get(`w3_c${c}_each`, 'ours', (r) => r.tasksPerSec), get(`w3_c${c}_each`, 'upstream', (r) => r.tasksPerSec), { vsL1: true, range: ratioRange(`w3_c${c}_each`, tps) });
}
for (const c of CFG.w4.concurrency) {
  const k = `w4_c${c}`;
  row(`W4 start_flow ${CFG.w4.steps} steps, C=${c} x ${CFG.w4.perLoop} (runs/s)`, get(k, 'ours', (r) => r.runsPerSec), get(k, 'upstream', (r) => r.runsPerSec), { vsL1: true, range: ratioRange(k, (r) => r.runsPerSec) });
}
for (const c of CFG.w4.concurrency) {
  row(`W4 C=${c}, ours with start_flows, 25 runs per call (runs/s)`, get(`w4_c${c}_batch`, 'ours', (r) => r.runsPerSec), get(`w4_c${c}`, 'upstream', (r) => r.runsPerSec), { vsL1: true });
}
row(`W5 W1 through the TS worker, concurrency ${CFG.w5.concurrency} (tasks/s)`, get('w5', 'ours', (r) => r.tasksPerSec), undefined, { vsL1: true });
row(`JOBS ${CFG.jobs.jobs} one-step jobs, one TS worker, C=${CFG.jobs.concurrency} (jobs/s)`, get('jobs', 'ours', (r) => r.pgflow?.jobsPerSec), undefined);
row(`JOBS same through graphile-worker ${graphile.version ?? `(unavailable: ${graphile.unavailable})`} (jobs/s)`, get('jobs', 'ours', (r) => r.graphile?.jobsPerSec), undefined);
// The worker against the SQL batch protocol (W1, complete_tasks per batch) at the nearest concurrency the bench ran.
{
  const c = [...CFG.w1.concurrency].sort((a, b) => Math.abs(a - CFG.w5.concurrency) - Math.abs(b - CFG.w5.concurrency))[0];
  const w5 = get('w5', 'ours', (r) => r.tasksPerSec), sqlBatch = get(`w1_c${c}`, 'ours', (r) => r.tasksPerSec);
  row(`W5 worker / SQL batch protocol W1 C=${c} (ratio)`, w5 != null && sqlBatch ? w5 / sqlBatch : null, undefined);
}
// Size rows: what must grow linearly with the flow's length and the map's size.
row(`SIZE add_step x ${CFG.size.steps} in a chain, one transaction (s)`, get('size1', 'ours', (r) => r.addStepS), get('size1', 'upstream', (r) => r.addStepS), { range: ratioRange('size1', (r) => r.addStepS) });
row(`SIZE ensure_flow of ${CFG.size.steps} steps (s)`, get('size1', 'ours', (r) => r.ensureFlowS), undefined);
row(`SIZE start_flow on the ${CFG.size.steps}-step flow (ms)`, get('size1', 'ours', (r) => r.startFlowMs), get('size1', 'upstream', (r) => r.startFlowMs), { range: ratioRange('size1', (r) => r.startFlowMs) });
row(`SIZE start_flow of a map over ${CFG.size.mapElements} (s)`, get('size2', 'ours', (r) => r.startS), get('size2', 'upstream', (r) => r.startS), { range: ratioRange('size2', (r) => r.startS) });
row(`SIZE same, per element (us)`, get('size2', 'ours', (r) => r.startUsPerElement), get('size2', 'upstream', (r) => r.startUsPerElement));
row(`SIZE all ${CFG.size.mapElements} map tasks, complete_tasks, C=${CFG.size.mapConcurrency} (s)`, get('size2', 'ours', (r) => r.tasksS), undefined);
row(`SIZE same, per element (us)`, get('size2', 'ours', (r) => r.tasksUsPerElement), undefined);
// LAT rows: the TS worker with default options (wakes on LISTEN), ours only.
for (const [phase, what] of [['idle', 'idle worker'], ['load', `load ${CFG.lat.loadRate} runs/s`]]) {
  for (const p of ['p50', 'p95']) {
    row(`LAT hop queued -> handler started, ${what}, ${p} (ms)`, get('lat', 'ours', (r) => r[phase].hops[p]), undefined);
  }
}
row(`LAT 5-step linear run end to end (startFlow -> wait), idle, median (ms)`, get('lat', 'ours', (r) => r.idle.e2e.p50), undefined);
row(`LAT same, p95 (ms)`, get('lat', 'ours', (r) => r.idle.e2e.p95), undefined);
row(`LAT same under load, median (ms)`, get('lat', 'ours', (r) => r.load.e2e.p50), undefined);
row(`LAT idle worker, one flow (queries/s, lower=better)`, get('lat', 'ours', (r) => r.idleQueriesPerSec), undefined);
for (const c of CFG.w1.concurrency) {
  row(`Storage after W1 C=${c} (bytes/task, lower=better)`, get(`w1_c${c}`, 'ours', (r) => r.storage.bytesPerTask), get(`w1_c${c}`, 'upstream', (r) => r.storage.bytesPerTask));
}
const lastW1 = `w1_c${CFG.w1.concurrency[CFG.w1.concurrency.length - 1]}`;
row(`Storage after W1 C=${CFG.w1.concurrency.at(-1)}, then prune + vacuum (bytes/task of the workload)`, get(lastW1, 'ours', (r) => r.storage.afterPruneBytesPerTask), undefined);

const fmt = (v) => {
  if (v === undefined) return '-';
  if (v === null || !Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
};
const ratio = (a, b) => (a == null || b == null || !b ? null : a / b);
const table = [['workload', 'ours', 'upstream', 'ours/upstream', 'range', 'ours/L1']];
for (const r of rows) {
  if (r.limit) table.push([r.label, fmt(r.ours), '-', '-', '-', '-']);
  else table.push([r.label, fmt(r.ours), up.available ? fmt(r.upstream) : 'n/a', up.available ? fmt(ratio(r.ours, r.upstream)) : 'n/a',
                   r.range ? `${fmt(r.range[0])}-${fmt(r.range[1])}` : '-', r.vsL1 ? fmt(ratio(r.ours, L1)) : '-']);
}
const cnt = (name) => state[name].ctr;
const counterRows = [
  ['errors (not retried)', (n) => cnt(n).errors],
  ['deadlocks 40P01 (retried)', (n) => cnt(n).deadlocks],
  ['serialization 40001 (retried)', (n) => cnt(n).serialization],
  ['retries', (n) => cnt(n).retries],
  ['server deadlocks (pg_stat_database)', (n) => state[n].serverDeadlocks ?? null],
  ['complete_task returning no row', (n) => cnt(n).noopCompletes],
  ['messages read but not started by start_tasks', (n) => cnt(n).readNotStarted],
];
for (const [label, f] of counterRows) {
  table.push([label, String(f('ours')), up.available ? String(f('upstream')) : 'n/a', '', '', '']);
}
table.push(['limits: errors / retries', `${limCtr.errors} / ${limCtr.retries}`, '-', '', '', '']);
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
const oursId = [results.engines.ours.version, results.engines.ours.git && `git ${results.engines.ours.git}`, `functions md5 ${results.engines.ours.functionsMd5}`].filter(Boolean).join(', ');
console.log(`\npgflow bench: ours ${oursId} vs upstream ${up.available ? '@pgflow/core 0.8.1' : 'unavailable'}, PostgreSQL ${results.server}, BENCH_SCALE=${SCALE}, median of ${CFG.repeat} repeat(s)`);
console.log(`machine: ${os.cpus().length} cpus, load average ${results.loadavgStart.map((x) => x.toFixed(2)).join(' ')} at start, ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at end (other work on the machine skews every figure)`);
console.log(line(table[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of table.slice(1)) console.log(line(r));

const failureList = (ctr) => [...ctr.failures.values()].sort((a, b) => b.count - a.count);
let anyFailure = false;
for (const [name, ctr] of [['ours', cnt('ours')], ['upstream', cnt('upstream')], ['limits', limCtr]]) {
  const fl = failureList(ctr);
  if (!fl.length) continue;
  if (!anyFailure) console.log('\nfailed calls (each distinct failure, with its SQL):');
  anyFailure = true;
  for (const f of fl) console.log(`  ${name}: ${f.count}x ${f.where} [${f.sqlstate ?? 'no sqlstate'}] ${f.message}\n      sql: ${f.sql}`);
}
if (!anyFailure) console.log('\nno failed call: 0 errors, 0 deadlocks, 0 retries');

for (const name of ['ours', 'upstream']) {
  results.engines[name].counters = { ...cnt(name), failures: failureList(cnt(name)), serverDeadlocks: state[name].serverDeadlocks ?? null };
}
results.limits.counters = { ...limCtr, failures: failureList(limCtr) };
results.table = table;
results.finished = new Date().toISOString();
results.loadavgEnd = os.loadavg();
const outDir = path.join(REPO, 'bench-results');
mkdirSync(outDir, { recursive: true });
const outFile = path.join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
console.log(`\nraw results: ${path.relative(process.cwd(), outFile)}  (total ${((Date.now() - started.getTime()) / 1000).toFixed(0)}s)`);
