// Live updates for the dashboard: one LISTEN per flow the role may read (the
// flow's own channel, docs/events.md), kept subscribed (pgflow.subscribe,
// renewed every minute, as the client's watchers do), fanned out to the
// browsers' server-sent event streams. A flow created later is picked up at
// the next renewal. A role that may not subscribe (an admin is not a client)
// still listens: it gets the events someone else subscribed to, and the
// pages poll as well.
import type { ServerResponse } from 'node:http';
import type { Sql } from 'postgres';
import { readableFlowSlugs } from './queries.js';

const RENEW_MS = 60_000;
const HEARTBEAT_MS = 15_000;

interface Stream {
  readonly res: ServerResponse;
  /** Only this run's events, or every event. */
  readonly runId: string | undefined;
}

export interface EventHub {
  /** Streams events to `res` (an SSE response) until the browser goes away. */
  attach(res: ServerResponse, runId: string | undefined): void;
  close(): Promise<void>;
}

export function createEventHub(sql: Sql, onError: (err: unknown) => void): EventHub {
  const streams = new Set<Stream>();
  const listening = new Map<string, { unlisten: () => Promise<void> }>();
  let closed = false;

  const send = (payload: string) => {
    let runId: string | undefined;
    try {
      runId = (JSON.parse(payload) as { payload?: { run_id?: string } }).payload?.run_id;
    } catch {
      return;
    }
    for (const s of streams) {
      if (s.runId === undefined || s.runId === runId) s.res.write(`event: pgflow\ndata: ${payload}\n\n`);
    }
  };

  const renew = async () => {
    if (closed) return;
    try {
      for (const slug of await readableFlowSlugs(sql)) {
        if (!listening.has(slug)) listening.set(slug, await sql.listen(slug, send));
        await sql`select pgflow.subscribe(${slug}::text, interval '2 minutes')`.catch(() => {});
      }
    } catch (err) {
      onError(err);
    }
  };
  const ready = renew();
  const renewTimer = setInterval(() => void renew(), RENEW_MS);
  const heartbeat = setInterval(() => {
    for (const s of streams) s.res.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  renewTimer.unref();
  heartbeat.unref();

  return {
    attach(res, runId) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      const stream = { res, runId };
      streams.add(stream);
      res.on('close', () => streams.delete(stream));
      // "ready" once listening, so that a page (or a test) knows no event is lost from here on
      void ready.then(() => res.write('event: ready\ndata: {}\n\n'));
    },
    async close() {
      closed = true;
      clearInterval(renewTimer);
      clearInterval(heartbeat);
      for (const s of streams) s.res.end();
      streams.clear();
      await ready;
      await Promise.all([...listening.values()].map((l) => l.unlisten().catch(() => {})));
    },
  };
}
