// The SQL metrics in Prometheus' text exposition format (version 0.0.4), for
// GET /metrics. Every series is labelled by flow; label values are escaped as
// the format asks (backslash, double quote, newline).
import type { Metrics } from './queries.js';

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`;
const num = (v: unknown) => {
  const n = Number(v);
  return Number.isNaN(n) ? 'NaN' : Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : '-Inf';
};

type Row = Record<string, unknown>;

class Exposition {
  private readonly lines: string[] = [];
  metric(name: string, type: 'gauge' | 'summary', help: string, samples: [Record<string, string>, unknown][], suffix = '') {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) {
      if (v === null || v === undefined) continue;
      this.lines.push(`${name}${suffix}${labels(l)} ${num(v)}`);
    }
  }
  raw(line: string) {
    this.lines.push(line);
  }
  toString() {
    return this.lines.join('\n') + '\n';
  }
}

/** The metrics as Prometheus text. */
export function renderPrometheus(m: Metrics): string {
  const out = new Exposition();
  const flow = (r: Row) => String(r.flow_slug);
  out.metric('pgflow_runs', 'gauge', 'Runs in flight (started, paused) and runs finished in the last hour, by flow and status.',
    m.runs.map((r) => [{ flow: flow(r), status: String(r.status) }, r.runs]));
  out.metric('pgflow_tasks', 'gauge', 'Tasks in flight (queued, started) and tasks finished in the last hour, by flow and status.',
    m.tasks.map((r) => [{ flow: flow(r), status: String(r.status) }, r.tasks]));
  out.metric('pgflow_queue_depth', 'gauge', 'Messages in the flow\'s pgmq queue.',
    m.queues.map((r) => [{ flow: flow(r) }, r.queue_depth]));
  out.metric('pgflow_queue_visible', 'gauge', 'Messages of the flow\'s queue visible now (waiting for a worker).',
    m.queues.map((r) => [{ flow: flow(r) }, r.visible]));
  out.metric('pgflow_queue_oldest_visible_age_seconds', 'gauge', 'Age of the oldest visible message of the flow\'s queue.',
    m.queues.map((r) => [{ flow: flow(r) }, r.oldest_visible_age_seconds ?? 0]));
  // the per-minute series' last complete minute (the current one is partial)
  const lastMinute = new Map<string, unknown>();
  const byFlow = new Map<string, Row[]>();
  for (const r of m.throughput) byFlow.set(flow(r), [...(byFlow.get(flow(r)) ?? []), r]);
  for (const [f, rows] of byFlow) lastMinute.set(f, rows.length > 1 ? rows[rows.length - 2]!.completed : rows[0]?.completed);
  out.metric('pgflow_tasks_completed_last_minute', 'gauge', 'Tasks completed in the last complete minute.',
    [...lastMinute].map(([f, v]) => [{ flow: f }, v]));
  out.metric('pgflow_task_duration_seconds', 'summary',
    'Time from start to completion of the tasks completed in the last hour.', []);
  for (const r of m.durations) {
    if (r.duration_p50_seconds !== null) out.raw(`pgflow_task_duration_seconds${labels({ flow: flow(r), quantile: '0.5' })} ${num(r.duration_p50_seconds)}`);
    if (r.duration_p95_seconds !== null) out.raw(`pgflow_task_duration_seconds${labels({ flow: flow(r), quantile: '0.95' })} ${num(r.duration_p95_seconds)}`);
    out.raw(`pgflow_task_duration_seconds_count${labels({ flow: flow(r) })} ${num(r.completed)}`);
  }
  out.metric('pgflow_task_failure_ratio', 'gauge', 'Failed / finished tasks in the last hour (absent when none finished).',
    m.durations.map((r) => [{ flow: flow(r) }, r.failure_rate]));
  out.metric('pgflow_stalled_tasks', 'gauge', 'Started tasks whose lease ran out.',
    m.stalled.map((r) => [{ flow: flow(r) }, r.stalled]));
  return out.toString();
}
