// The dashboard's HTTP server (node:http, no framework): the static UI of
// ./static (shipped in the package's src/, no build step), dagre's browser
// module from node_modules, JSON endpoints over the SQL metrics and run data,
// server-sent events and GET /metrics for Prometheus.
//
// It is meant for 127.0.0.1: it has no login of its own and acts with the
// database role it connects as. So that a web page the user visits cannot
// drive it, it answers only requests whose Host is the address it listens
// on when it listens on the loopback (no DNS rebinding), and changes state only on a POST that carries
// the header x-pgflow-dashboard (a cross-site form cannot set one, and a
// cross-site fetch with it needs a CORS preflight, which it never grants).
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';
import { createEventHub } from './events.js';
import { renderPrometheus } from './prometheus.js';
import {
  getCapabilities,
  getMetrics,
  getRun,
  listFailedRuns,
  listFlows,
  listRuns,
  RUN_ACTIONS,
  RUN_STATUSES,
  runAction,
  type RunAction,
} from './queries.js';

export interface DashboardOptions {
  /** A postgres.js pool; the dashboard acts as its role. */
  readonly sql: Sql;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 for any free port. */
  readonly port?: number;
  readonly onError?: (err: unknown) => void;
}

export interface Dashboard {
  /** Where it listens, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  close(): Promise<void>;
}

// src/dashboard/static, from src/dashboard or dist/dashboard alike
const STATIC_DIR = fileURLToPath(new URL('../../src/dashboard/static/', import.meta.url));
const STATIC_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'dag.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** dagre's self-contained ES module (its browser build, graphlib included), resolved from node_modules. */
function dagreModulePath(): string {
  try {
    return fileURLToPath(import.meta.resolve('@dagrejs/dagre'));
  } catch {
    const main = createRequire(import.meta.url).resolve('@dagrejs/dagre');
    return join(dirname(main), 'dagre.esm.js');
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A PostgresError as an HTTP status: the caller's mistake, or ours. */
function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  const code = (err as { code?: string }).code ?? '';
  if (code === '42501') return 403;
  if (code === '42704' || code === '42883') return 404;
  if (code === '55000' || code === '55006') return 409;
  if (code.startsWith('22')) return 400;
  return 500;
}

const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(body);
};
const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

function param(url: URL, name: string, check?: RegExp | readonly string[]): string | undefined {
  const v = url.searchParams.get(name) ?? undefined;
  if (v === undefined || v === '') return undefined;
  const ok = check === undefined ? true : Array.isArray(check) ? check.includes(v) : (check as RegExp).test(v);
  if (!ok) throw new HttpError(400, `bad value for ${name}: ${JSON.stringify(v.slice(0, 100))}`);
  return v;
}
const TIME = /^\d{4}-\d\d-\d\d([T ][0-9:.]+)?(Z|[+-]\d\d(:?\d\d)?)?$/;
const SLUG = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/;
function limitParam(url: URL, dflt: number, max: number): number {
  const v = param(url, 'limit', /^[1-9][0-9]{0,3}$/);
  return v === undefined ? dflt : Math.min(Number(v), max);
}

/** Starts the dashboard; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { sql } = options;
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? ((err: unknown) => console.error('pgflow dashboard:', err));
  const hub = createEventHub(sql, onError);
  const dagrePath = dagreModulePath();
  let allowedHosts = new Set<string>();
  // Bound to another address on purpose, it answers any Host: DNS rebinding targets the loopback.
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    if (req.method === 'POST') {
      const m = /^\/api\/runs\/([^/]+)\/([a-z]+)$/.exec(path);
      if (!m) throw new HttpError(404, 'not found');
      if (req.headers['x-pgflow-dashboard'] !== '1') throw new HttpError(403, 'missing header x-pgflow-dashboard: 1');
      const [, id, action] = m;
      if (!UUID.test(id!)) throw new HttpError(400, 'not a run id');
      if (!(RUN_ACTIONS as readonly string[]).includes(action!)) throw new HttpError(404, `no action ${action}`);
      await runAction(sql, action as RunAction, id!);
      return json(res, 200, await getRun(sql, id!));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');

    if (path === '/' || path === '/index.html') {
      return send(res, 200, STATIC_FILES['index.html']!, await readFile(join(STATIC_DIR, 'index.html')));
    }
    const file = /^\/static\/([a-z]+\.(?:js|css|html))$/.exec(path)?.[1];
    if (file !== undefined) {
      if (!Object.hasOwn(STATIC_FILES, file)) throw new HttpError(404, 'not found');
      return send(res, 200, STATIC_FILES[file]!, await readFile(join(STATIC_DIR, file)));
    }
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    if (path === '/vendor/dagre.js') return send(res, 200, 'text/javascript; charset=utf-8', await readFile(dagrePath));
    if (path === '/metrics') {
      return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', renderPrometheus(await getMetrics(sql)));
    }
    if (path === '/api/flows') return json(res, 200, await listFlows(sql));
    if (path === '/api/metrics') return json(res, 200, await getMetrics(sql));
    if (path === '/api/capabilities') return json(res, 200, await getCapabilities(sql));
    if (path === '/api/runs') {
      return json(
        res,
        200,
        await listRuns(sql, {
          flow: param(url, 'flow', SLUG),
          status: param(url, 'status', RUN_STATUSES),
          since: param(url, 'since', TIME),
          until: param(url, 'until', TIME),
          beforeStartedAt: param(url, 'before', TIME),
          beforeRunId: param(url, 'before_id', UUID),
          limit: limitParam(url, 50, 200),
        }),
      );
    }
    if (path === '/api/failed-runs') {
      return json(
        res,
        200,
        await listFailedRuns(sql, {
          flow: param(url, 'flow', SLUG),
          beforeFailedAt: param(url, 'before', TIME),
          beforeRunId: param(url, 'before_id', UUID),
          limit: limitParam(url, 50, 1000),
        }),
      );
    }
    const runMatch = /^\/api\/runs\/([^/]+)$/.exec(path);
    if (runMatch) {
      if (!UUID.test(runMatch[1]!)) throw new HttpError(400, 'not a run id');
      const run = await getRun(sql, runMatch[1]!);
      if (!run) throw new HttpError(404, `run ${runMatch[1]} does not exist`);
      return json(res, 200, run);
    }
    if (path === '/api/events') return hub.attach(res, param(url, 'run', UUID));
    throw new HttpError(404, 'not found');
  }

  const server: Server = createServer((req, res) => {
    if (loopback && !allowedHosts.has(req.headers.host ?? '')) {
      send(res, 421, 'text/plain; charset=utf-8', 'unknown host\n');
      return;
    }
    route(req, res).catch((err: unknown) => {
      const status = statusOf(err);
      if (status >= 500) onError(err);
      if (res.headersSent) return void res.end();
      const e = err as { message?: string; code?: string; hint?: string };
      json(res, status, { error: status >= 500 && !e.code ? 'internal error' : e.message, code: e.code, hint: e.hint });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  allowedHosts = new Set([`${shown}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
  return {
    url: `http://${shown}:${port}/`,
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
