// The dashboard's HTTP endpoints against a real database: JSON over runs and
// metrics, actions, server-sent events, GET /metrics, the static UI, and
// what it refuses (foreign Host, POST without its header, bad parameters).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { connection, until, useTestDatabase } from './harness.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const db = useTestDatabase();
const tag = randomBytes(4).toString('hex');
const clientRole = `pgflow_vt_dash_${tag}`;
let dash: Dashboard;
let asClient: Dashboard;
let runId: string;

const get = async (d: Dashboard, path: string, init?: RequestInit) => {
  const res = await fetch(new URL(path, d.url), init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};
const getJson = async (d: Dashboard, path: string, init?: RequestInit) => {
  const r = await get(d, path, init);
  return { status: r.status, body: JSON.parse(r.text) as any };
};

/** Plays a worker in SQL: starts the visible tasks of `flow` and completes them with `{}`. */
async function workOnce(flow: string) {
  await db.sql`select pgflow.register_worker('00000000-0000-4000-8000-00000000da5b'::uuid, ${flow}::text, 'test')`;
  const tasks = await db.sql<{ run_id: string; step_slug: string; task_index: number }[]>`
    select run_id, step_slug, task_index from pgflow.start_tasks(${flow}::text,
      array(select msg_id from pgmq.read(${flow}::text, 30, 100)), '00000000-0000-4000-8000-00000000da5b'::uuid)`;
  for (const t of tasks) await db.sql`select pgflow.complete_task(${t.run_id}::uuid, ${t.step_slug}::text, ${t.task_index}::int, '{}'::jsonb)`;
  return tasks.length;
}

beforeAll(async () => {
  await db.sql`select pgflow.create_flow('dash_a', max_attempts => 1)`;
  await db.sql`select pgflow.add_step('dash_a', 'fetch')`;
  await db.sql`select pgflow.add_step('dash_a', 'parts', array['fetch'], step_type => 'map')`;
  await db.sql`select pgflow.add_step('dash_a', 'join', array['parts'])`;
  await db.sql`select pgflow.create_flow('dash_b')`;
  await db.sql`select pgflow.add_step('dash_b', 'only')`;
  runId = (await db.sql<{ run_id: string }[]>`select run_id from pgflow.start_flow('dash_a', '{"n": "<b>1</b>"}')`)[0]!.run_id;
  await db.sql`select pgflow.start_flow('dash_b', '{}')`;
  await db.sql.unsafe(`create role "${clientRole}" login`);
  await db.sql`select pgflow.grant_client(${clientRole}::regrole, array['dash_a'])`;
  dash = await startDashboard({ sql: db.connect({ max: 4 }), port: 0, onError: () => {} });
  asClient = await startDashboard({ sql: db.connect({ max: 4, user: clientRole }), port: 0, onError: () => {} });
}, 60_000);

afterAll(async () => {
  await dash?.close();
  await asClient?.close();
  await db.sql`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${clientRole}`;
  await db.sql`select pgflow.revoke_all(${clientRole}::regrole)`.catch(() => {});
  await db.sql.unsafe(`drop role if exists "${clientRole}"`);
});

describe('dashboard HTTP', () => {
  it('listens on 127.0.0.1 by default and serves the UI, its modules and dagre', async () => {
    expect(new URL(dash.url).hostname).toBe('127.0.0.1');
    const index = await get(dash, '/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('/static/app.js');
    for (const f of ['app.js', 'dag.js', 'dom.js', 'style.css']) expect((await get(dash, `/static/${f}`)).status).toBe(200);
    const dagre = await get(dash, '/vendor/dagre.js');
    expect(dagre.type).toMatch(/javascript/);
    expect(dagre.text).toMatch(/export\s*\{/);
    expect((await get(dash, '/static/../../package.json')).status).toBe(404);
    expect((await get(dash, '/static/nope.js')).status).toBe(404);
  });

  it('lists flows with their DAG, and runs with filters and paging', async () => {
    const flows = (await getJson(dash, '/api/flows')).body;
    expect(flows.map((f: any) => f.flow_slug)).toEqual(['dash_a', 'dash_b']);
    expect(flows[0].steps).toEqual([
      { step_slug: 'fetch', step_type: 'single', step_index: 0, deps: [] },
      { step_slug: 'parts', step_type: 'map', step_index: 1, deps: ['fetch'] },
      { step_slug: 'join', step_type: 'single', step_index: 2, deps: ['parts'] },
    ]);
    for (let i = 0; i < 3; i++) await db.sql`select pgflow.start_flow('dash_b', '{}')`;
    const all = (await getJson(dash, '/api/runs')).body;
    expect(all.length).toBe(5);
    expect((await getJson(dash, '/api/runs?flow=dash_a')).body.map((r: any) => r.run_id)).toEqual([runId]);
    expect((await getJson(dash, '/api/runs?status=completed')).body).toEqual([]);
    const page1 = (await getJson(dash, '/api/runs?flow=dash_b&limit=2')).body;
    const last = page1.at(-1);
    const page2 = (await getJson(dash, `/api/runs?flow=dash_b&limit=2&before=${encodeURIComponent(last.started_at)}&before_id=${last.run_id}`)).body;
    expect(page1.length).toBe(2);
    expect(page2.length).toBe(2);
    expect(new Set([...page1, ...page2].map((r: any) => r.run_id)).size).toBe(4);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await getJson(dash, `/api/runs?since=${future}`)).body).toEqual([]);
    expect((await getJson(dash, `/api/runs?until=${future}`)).body.length).toBe(5);
    const bad = await getJson(dash, '/api/runs?status=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/status/);
    expect((await getJson(dash, '/api/runs?limit=-1')).status).toBe(400);
    expect((await getJson(dash, "/api/runs?flow=x'--")).status).toBe(400);
  });

  it('shows a run with its steps, DAG, task counts and input; 404 for an unknown run', async () => {
    const { status, body } = await getJson(dash, `/api/runs/${runId}`);
    expect(status).toBe(200);
    expect(body.run).toMatchObject({ run_id: runId, flow_slug: 'dash_a', status: 'started', input: { n: '<b>1</b>' } });
    expect(body.dag.map((s: any) => s.step_slug)).toEqual(['fetch', 'parts', 'join']);
    expect(body.steps.find((s: any) => s.step_slug === 'fetch').status).toBe('started');
    expect(body.task_counts).toEqual([{ step_slug: 'fetch', status: 'queued', n: 1 }]);
    expect((await getJson(dash, '/api/runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await getJson(dash, '/api/runs/not-a-uuid')).status).toBe(400);
  });

  it('pushes a run\'s events through server-sent events, fed by LISTEN', { timeout: 20_000 }, async () => {
    const ctrl = new AbortController();
    const res = await fetch(new URL(`/api/events?run=${runId}`, dash.url), { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const read = async (what: RegExp) => {
      while (!what.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(/event: ready/);
    // fetch completes: parts (a map over fetch's output [1, 2, 3]) starts
    await db.sql`select pgflow.register_worker('00000000-0000-4000-8000-00000000da5b'::uuid, 'dash_a', 'test')`;
    const [t] = await db.sql<{ step_slug: string }[]>`
      select step_slug from pgflow.start_tasks('dash_a', array(select msg_id from pgmq.read('dash_a', 30, 1)),
                                               '00000000-0000-4000-8000-00000000da5b'::uuid)`;
    expect(t!.step_slug).toBe('fetch');
    await db.sql`select pgflow.complete_task(${runId}::uuid, 'fetch', 0, '[1, 2, 3]'::jsonb)`;
    await read(/"step:completed"[\s\S]*"step:started"/);
    ctrl.abort();
    expect(text).toContain(`"run_id": "${runId}"`);
    const run = (await getJson(dash, `/api/runs/${runId}`)).body;
    expect(run.task_counts.filter((c: any) => c.step_slug === 'parts')).toEqual([{ step_slug: 'parts', status: 'queued', n: 3 }]);
  });

  it('serves the SQL metrics as JSON and as Prometheus text with every flow', async () => {
    await workOnce('dash_a'); // the three parts tasks complete
    const m = (await getJson(dash, '/api/metrics')).body;
    expect(Object.keys(m).sort()).toEqual(['durations', 'queues', 'runs', 'stalled', 'tasks', 'throughput']);
    const prom = await get(dash, '/metrics');
    expect(prom.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(prom.text).toContain('# TYPE pgflow_runs gauge');
    expect(prom.text).toContain('pgflow_runs{flow="dash_a",status="started"} 1');
    expect(prom.text).toContain('pgflow_runs{flow="dash_b",status="started"} 4');
    expect(prom.text).toContain('pgflow_queue_depth{flow="dash_b"} 4');
    expect(prom.text).toMatch(/pgflow_tasks\{flow="dash_a",status="completed"\} 4/);
    expect(prom.text).toMatch(/pgflow_task_duration_seconds\{flow="dash_a",quantile="0\.95"\} [0-9.e-]+/);
    expect(prom.text).toContain('pgflow_task_duration_seconds_count{flow="dash_a"} 4');
    expect(prom.text).toContain('pgflow_stalled_tasks{flow="dash_b"} 0');
    // every sample line is name{labels} value
    for (const line of prom.text.trim().split('\n').filter((l) => !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_]+\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\} (-?[0-9.e+-]+|NaN)$/);
    }
  });

  it('cancels, pauses and resumes runs; offers retry only where pgflow.retry_run exists', async () => {
    const caps = (await getJson(dash, '/api/capabilities')).body;
    expect(caps).toMatchObject({ cancel: true, pause: true, resume: true });
    const exists = (await db.sql<{ exists: boolean }[]>`
      select exists (select from pg_proc where pronamespace = 'pgflow'::regnamespace and proname = 'retry_run')`)[0]!.exists;
    expect(caps.retry).toBe(exists);
    const id = (await db.sql<{ run_id: string }[]>`select run_id from pgflow.start_flow('dash_b', '{}')`)[0]!.run_id;
    const post = (action: string, headers: Record<string, string> = { 'x-pgflow-dashboard': '1' }) =>
      getJson(dash, `/api/runs/${id}/${action}`, { method: 'POST', headers });
    expect((await post('pause', {})).status).toBe(403); // no header: a cross-site form cannot do this
    expect((await post('pause')).body.run.status).toBe('paused');
    expect((await post('resume')).body.run.status).toBe('started');
    expect((await post('cancel')).body.run.status).toBe('cancelled');
    const wrong = await post('resume'); // a cancelled run: the SQL function's 55000
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('55000');
    expect((await post('explode')).status).toBe(404);
  });

  it('answers only for its own Host (no DNS rebinding)', async () => {
    const { port } = new URL(dash.url);
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/flows', headers: { host: `evil.example:${port}` } }, (r) => {
          r.resume();
          resolve(r.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    });
    expect(res).toBe(421);
    expect((await get(dash, '/api/flows')).status).toBe(200);
  });

  it('shows a client role its flows only, and refuses what it may not do', async () => {
    expect((await getJson(asClient, '/api/flows')).body.map((f: any) => f.flow_slug)).toEqual(['dash_a']);
    expect((await getJson(asClient, '/api/runs')).body.every((r: any) => r.flow_slug === 'dash_a')).toBe(true);
    const prom = (await get(asClient, '/metrics')).text;
    expect(prom).toContain('pgflow_queue_depth{flow="dash_a"}');
    expect(prom).not.toContain('dash_b');
    const other = (await db.sql<{ run_id: string }[]>`select run_id from pgflow.start_flow('dash_b', '{}')`)[0]!.run_id;
    expect((await getJson(asClient, `/api/runs/${other}`)).status).toBe(404);
    const cancel = await getJson(asClient, `/api/runs/${other}/cancel`, { method: 'POST', headers: { 'x-pgflow-dashboard': '1' } });
    expect(cancel.status).toBe(404);
    expect(cancel.body.code).toBe('42704');
    expect((await getJson(asClient, '/api/failed-runs?flow=dash_b')).status).toBe(404);
  });

  it('lists failed runs with their failing step and error', async () => {
    await db.sql`select pgflow.register_worker('00000000-0000-4000-8000-00000000da5b'::uuid, 'dash_a', 'test')`;
    const id = (await db.sql<{ run_id: string }[]>`select run_id from pgflow.start_flow('dash_a', '{}')`)[0]!.run_id;
    await db.sql`select pgflow.start_tasks('dash_a', array(select msg_id from pgmq.read('dash_a', 30, 10)),
                                           '00000000-0000-4000-8000-00000000da5b'::uuid)`;
    await db.sql`select pgflow.fail_task(${id}::uuid, 'fetch', 0, 'no route to host')`;
    const rows = await until(async () => {
      const r = (await getJson(dash, '/api/failed-runs?flow=dash_a')).body;
      return r.length > 0 && r;
    });
    expect(rows[0]).toMatchObject({ run_id: id, flow_slug: 'dash_a', step_slug: 'fetch', error_message: 'no route to host' });
  });
});

describe('pgflow-ts dashboard', () => {
  it('checks --port before connecting', () => {
    const r = spawnSync(process.execPath, [CLI, 'dashboard', '--port', '99999'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--port must be a port number (0 to 65535), not "99999"');
    const wrong = spawnSync(process.execPath, [CLI, 'runs', '--port', '1'], { encoding: 'utf8' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--port applies to dashboard only');
  });

  it('serves with the CLI\'s connection settings until SIGTERM', { timeout: 20_000 }, async () => {
    const env = { ...process.env, PGHOST: connection.host, PGPORT: String(connection.port), PGUSER: connection.user, PGDATABASE: db.name };
    const child = spawn(process.execPath, [CLI, 'dashboard', '--port', '0'], { env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const url = await until(() => /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1], 15_000, 'the dashboard\'s address');
    const metrics = await (await fetch(new URL('/metrics', url))).text();
    expect(metrics).toContain('pgflow_runs{flow="dash_a"');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
