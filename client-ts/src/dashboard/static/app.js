// The dashboard's pages, routed by the URL's hash: #/ (metrics and flows),
// #/runs?flow=&status=&since=&until= (runs, paged), #/failed (failed runs
// with their error), #/run/<id> (a run, live). Data from the JSON endpoints;
// live updates of a run from /api/events (server-sent events); the run page
// and the overview also refresh every 10 s.
import { drawDag } from './dag.js';
import { fmtDuration, fmtNum, fmtTime, h, json, s } from './dom.js';

const main = document.getElementById('main');
const live = document.getElementById('live');
let cleanup = () => {};

async function api(path, init) {
  const res = await fetch(path, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.error ?? res.statusText), { body });
  return body;
}

function every(ms, fn) {
  const t = setInterval(fn, ms);
  return () => clearInterval(t);
}

function query() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

const statusBadge = (st) => h('span', { class: `badge status-${st}` }, st);
const runLink = (id) => h('a', { href: `#/run/${id}`, class: 'mono' }, id.slice(0, 8));

function show(...nodes) {
  main.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
}

function showError(err) {
  show(h('p', { class: 'error' }, err.message), err.body?.hint ? h('p', { class: 'muted' }, err.body.hint) : null);
}

// ---- overview -------------------------------------------------------------

function sparkline(points) {
  const max = Math.max(1, ...points);
  const w = 120, hgt = 24;
  const d = points.map((p, i) => `${i ? 'L' : 'M'} ${(i * w) / Math.max(1, points.length - 1)} ${hgt - (p / max) * hgt}`).join(' ');
  return s('svg', { class: 'spark', width: w, height: hgt }, s('path', { d }));
}

async function overview() {
  const [m, flows] = await Promise.all([api('/api/metrics'), api('/api/flows')]);
  const by = (rows, key) => {
    const out = new Map();
    for (const r of rows) {
      if (!out.has(r.flow_slug)) out.set(r.flow_slug, {});
      out.get(r.flow_slug)[r[key]] = r;
    }
    return out;
  };
  const runs = by(m.runs, 'status'), tasks = by(m.tasks, 'status');
  const one = (rows) => new Map(rows.map((r) => [r.flow_slug, r]));
  const queues = one(m.queues), durations = one(m.durations), stalled = one(m.stalled);
  const series = new Map();
  for (const r of m.throughput) series.set(r.flow_slug, [...(series.get(r.flow_slug) ?? []), Number(r.completed)]);

  const head = ['flow', 'runs started', 'paused', 'completed 1h', 'failed 1h', 'tasks queued', 'started', 'queue depth',
    'oldest visible', 'completed / min (1h)', 'p50 s', 'p95 s', 'failure rate', 'stalled'];
  const rows = flows.map((f) => {
    const slug = f.flow_slug, r = runs.get(slug) ?? {}, t = tasks.get(slug) ?? {}, q = queues.get(slug), d = durations.get(slug);
    const n = (x, k) => x?.[k]?.runs ?? x?.[k]?.tasks ?? 0;
    return h('tr', { 'data-flow': slug },
      h('td', {}, h('a', { href: `#/runs?flow=${encodeURIComponent(slug)}` }, slug)),
      h('td', {}, n(r, 'started')), h('td', {}, n(r, 'paused')), h('td', {}, n(r, 'completed')),
      h('td', { class: n(r, 'failed') > 0 ? 'bad' : '' }, n(r, 'failed')),
      h('td', {}, n(t, 'queued')), h('td', {}, n(t, 'started')),
      h('td', {}, q?.queue_depth ?? '–'),
      h('td', {}, q?.oldest_visible_age_seconds == null ? '–' : `${fmtNum(q.oldest_visible_age_seconds, 1)} s`),
      h('td', {}, sparkline(series.get(slug) ?? []), ' ', (series.get(slug) ?? []).at(-2) ?? 0),
      h('td', {}, fmtNum(d?.duration_p50_seconds, 3)), h('td', {}, fmtNum(d?.duration_p95_seconds, 3)),
      h('td', {}, d?.failure_rate == null ? '–' : `${(d.failure_rate * 100).toFixed(1)} %`),
      h('td', { class: Number(stalled.get(slug)?.stalled) > 0 ? 'bad' : '' }, stalled.get(slug)?.stalled ?? 0));
  });
  show(
    h('h1', {}, 'Flows'),
    flows.length === 0 ? h('p', { class: 'muted' }, 'No flow this role may read.') :
      h('table', { class: 'metrics' }, h('thead', {}, h('tr', {}, head.map((x) => h('th', {}, x)))), h('tbody', {}, rows)),
    h('p', { class: 'muted' }, 'Finished runs and tasks, throughput, durations and failure rate: the last hour. Prometheus: ', h('a', { href: '/metrics' }, '/metrics'), '.'),
    ...flows.map((f) => h('section', { class: 'flow' },
      h('h2', {}, h('a', { href: `#/runs?flow=${encodeURIComponent(f.flow_slug)}` }, f.flow_slug)),
      h('div', { class: 'dagbox' }, drawDag(f.steps)))),
  );
}

// ---- runs -----------------------------------------------------------------

const STATUSES = ['started', 'paused', 'completed', 'failed', 'cancelled'];

async function runsPage() {
  const q = query();
  const [flows, runs] = await Promise.all([api('/api/flows'), api(`/api/runs?${q}`)]);
  const go = (params) => { location.hash = `#/runs?${new URLSearchParams(Object.entries(params).filter(([, v]) => v))}`; };
  const form = h('form', { class: 'filters', onsubmit: (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const iso = (v) => (v ? new Date(v).toISOString() : '');
    go({ flow: f.get('flow'), status: f.get('status'), since: iso(f.get('since')), until: iso(f.get('until')) });
  } },
    h('label', {}, 'flow ', h('select', { name: 'flow' }, h('option', { value: '' }, 'all'),
      flows.map((f) => h('option', { value: f.flow_slug, selected: q.get('flow') === f.flow_slug }, f.flow_slug)))),
    h('label', {}, 'status ', h('select', { name: 'status' }, h('option', { value: '' }, 'all'),
      STATUSES.map((st) => h('option', { value: st, selected: q.get('status') === st }, st)))),
    h('label', {}, 'since ', h('input', { type: 'datetime-local', name: 'since' })),
    h('label', {}, 'until ', h('input', { type: 'datetime-local', name: 'until' })),
    h('button', { type: 'submit' }, 'Filter'));
  const last = runs.at(-1);
  const base = Object.fromEntries([...q].filter(([k]) => k !== 'before' && k !== 'before_id'));
  show(
    h('h1', {}, 'Runs'), form,
    h('table', { class: 'runs' },
      h('thead', {}, h('tr', {}, ['run', 'flow', 'status', 'started', 'duration', 'steps left'].map((x) => h('th', {}, x)))),
      h('tbody', {}, runs.map((r) => h('tr', { 'data-run': r.run_id },
        h('td', {}, runLink(r.run_id)), h('td', {}, r.flow_slug), h('td', {}, statusBadge(r.status)),
        h('td', {}, fmtTime(r.started_at)), h('td', {}, fmtDuration(r.started_at, r.finished_at)), h('td', {}, r.remaining_steps))))),
    runs.length === 0 ? h('p', { class: 'muted' }, 'No run.') : null,
    h('p', { class: 'pager' },
      q.get('before') ? h('button', { onclick: () => go(base) }, '« Newest') : null, ' ',
      last && runs.length >= 50 ? h('button', { onclick: () => go({ ...base, before: last.started_at, before_id: last.run_id }) }, 'Older »') : null),
  );
}

async function failedPage() {
  const q = query();
  const rows = await api(`/api/failed-runs?${q}`);
  const last = rows.at(-1);
  const base = q.get('flow') ? { flow: q.get('flow') } : {};
  show(
    h('h1', {}, 'Failed runs'),
    h('table', { class: 'runs' },
      h('thead', {}, h('tr', {}, ['run', 'flow', 'failed', 'step', 'error'].map((x) => h('th', {}, x)))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('td', {}, runLink(r.run_id)), h('td', {}, r.flow_slug), h('td', {}, fmtTime(r.failed_at)),
        h('td', {}, r.step_slug ?? ''), h('td', { class: 'error' }, r.error_message ?? ''))))),
    rows.length === 0 ? h('p', { class: 'muted' }, 'No failed run.') : null,
    last && rows.length >= 50
      ? h('button', { onclick: () => { location.hash = `#/failed?${new URLSearchParams({ ...base, before: last.failed_at, before_id: last.run_id })}`; } }, 'Older »')
      : null,
  );
}

// ---- one run --------------------------------------------------------------

async function runPage(id) {
  const caps = await api('/api/capabilities');
  let pending;
  const render = async () => {
    const data = await api(`/api/runs/${encodeURIComponent(id)}`);
    const { run } = data;
    const states = new Map(data.steps.map((st) => [st.step_slug, st]));
    const counts = new Map();
    for (const c of data.task_counts) counts.set(c.step_slug, { ...(counts.get(c.step_slug) ?? {}), [c.status]: c.n });
    const taskInfo = (slug) => {
      const c = counts.get(slug) ?? {};
      const total = Object.values(c).reduce((a, b) => a + b, 0);
      return total > 1 || data.dag.find((d) => d.step_slug === slug)?.step_type === 'map' ? `${c.completed ?? 0}/${total} tasks` : '';
    };
    const act = (action) => h('button', { class: `action ${action}`, 'data-action': action, onclick: async (e) => {
      e.target.disabled = true;
      try {
        await api(`/api/runs/${encodeURIComponent(id)}/${action}`, { method: 'POST', headers: { 'x-pgflow-dashboard': '1' } });
        await render();
      } catch (err) {
        alert(`${action}: ${err.message}`);
        e.target.disabled = false;
      }
    } }, action);
    const actions = [];
    if (caps.cancel && (run.status === 'started' || run.status === 'paused')) actions.push(act('cancel'));
    if (caps.pause && run.status === 'started') actions.push(act('pause'));
    if (caps.resume && run.status === 'paused') actions.push(act('resume'));
    if (caps.retry && run.status === 'failed') actions.push(act('retry'));
    show(
      h('h1', {}, 'Run ', h('span', { class: 'mono' }, run.run_id), ' ', h('span', { id: 'run-status' }, statusBadge(run.status))),
      h('p', {}, 'flow ', h('a', { href: `#/runs?flow=${encodeURIComponent(run.flow_slug)}` }, run.flow_slug),
        ` · started ${fmtTime(run.started_at)} · `,
        run.status === 'started' || run.status === 'paused' ? `running for ${fmtDuration(run.started_at)}` :
          `took ${fmtDuration(run.started_at, run.completed_at ?? run.failed_at ?? run.cancelled_at)}`,
        run.cancel_reason ? ` · cancelled: ${run.cancel_reason}` : ''),
      h('div', { class: 'actions' }, actions),
      h('div', { class: 'dagbox' }, drawDag(data.dag, (slug) => ({ status: states.get(slug)?.status, detail: taskInfo(slug) }))),
      h('h2', {}, 'Steps'),
      h('table', { class: 'steps' },
        h('thead', {}, h('tr', {}, ['step', 'status', 'tasks', 'started', 'duration', 'error'].map((x) => h('th', {}, x)))),
        h('tbody', {}, data.dag.map((d) => {
          const st = states.get(d.step_slug) ?? {};
          return h('tr', { 'data-step': d.step_slug },
            h('td', {}, d.step_slug, d.step_type === 'map' ? h('span', { class: 'muted' }, ' map') : ''),
            h('td', {}, statusBadge(st.status ?? 'created'), st.skip_reason ? ` (${st.skip_reason})` : ''),
            h('td', {}, taskInfo(d.step_slug) || (counts.get(d.step_slug) ? '1' : '')),
            h('td', {}, fmtTime(st.started_at)),
            h('td', {}, st.started_at ? fmtDuration(st.started_at, st.completed_at ?? st.failed_at) : ''),
            h('td', { class: 'error' }, st.error_message ?? ''));
        }))),
      h('h2', {}, 'Input'), json(run.input),
      h('h2', {}, 'Output'), json(run.output),
      h('h2', {}, 'Tasks'),
      h('table', { class: 'tasks' },
        h('thead', {}, h('tr', {}, ['step', 'index', 'status', 'attempts', 'queued', 'duration', 'error / output'].map((x) => h('th', {}, x)))),
        h('tbody', {}, data.tasks.map((t) => h('tr', {},
          h('td', {}, t.step_slug), h('td', {}, t.task_index), h('td', {}, statusBadge(t.status)), h('td', {}, t.attempts_count),
          h('td', {}, fmtTime(t.queued_at)), h('td', {}, t.started_at ? fmtDuration(t.started_at, t.completed_at ?? t.failed_at) : ''),
          h('td', {}, t.error_message ? h('span', { class: 'error' }, t.error_message) : t.output === null ? '' : h('code', {}, JSON.stringify(t.output).slice(0, 300))))))),
      data.tasks.length >= 500 ? h('p', { class: 'muted' }, 'The first 500 tasks; the counts above are exact.') : null,
    );
  };
  await render();
  const events = new EventSource(`/api/events?run=${encodeURIComponent(id)}`);
  events.addEventListener('ready', () => live.classList.add('on'));
  events.addEventListener('pgflow', () => {
    clearTimeout(pending);
    pending = setTimeout(() => render().catch(showError), 100);
  });
  events.onerror = () => live.classList.remove('on');
  const stop = every(10_000, () => render().catch(showError));
  return () => { events.close(); live.classList.remove('on'); stop(); clearTimeout(pending); };
}

// ---- routing --------------------------------------------------------------

async function route() {
  const hash = location.hash || '#/';
  cleanup();
  cleanup = () => {};
  try {
    const m = /^#\/run\/([0-9a-fA-F-]{36})$/.exec(hash);
    if (m) cleanup = await runPage(m[1]);
    else if (hash.startsWith('#/runs')) await runsPage();
    else if (hash.startsWith('#/failed')) await failedPage();
    else {
      await overview();
      cleanup = every(10_000, () => overview().catch(showError));
    }
  } catch (err) {
    showError(err);
  }
}

window.addEventListener('hashchange', () => route());
route();
