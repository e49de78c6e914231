// A flow's DAG as SVG, laid out by dagre (served from the package's
// node_modules at /vendor/dagre.js): steps left to right, each coloured by
// its status, map steps with their task counts.
import dagre from '/vendor/dagre.js';
import { s } from './dom.js';

const W = 150;
const H = 46;

/**
 * steps: [{ step_slug, step_type, deps: [slug] }]; info(slug) -> { status, detail }.
 * Returns an <svg>; each node is <g class="node status-<status>" data-step data-status>.
 */
export function drawDag(steps, info = () => ({})) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const st of steps) g.setNode(st.step_slug, { width: W, height: H });
  for (const st of steps) for (const d of st.deps) g.setEdge(d, st.step_slug);
  dagre.layout(g);
  const { width, height } = g.graph();
  const svg = s('svg', { class: 'dag', width: Math.ceil(width), height: Math.ceil(height), viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, role: 'img' });
  svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  for (const e of g.edges()) {
    const pts = g.edge(e).points;
    const d = pts.map((p, i) => `${i ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
    svg.append(s('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' }));
  }
  for (const st of steps) {
    const n = g.node(st.step_slug);
    const { status, detail } = info(st.step_slug) ?? {};
    const cls = `node status-${status ?? 'none'}${st.step_type === 'map' ? ' map' : ''}`;
    const node = s('g', { class: cls, 'data-step': st.step_slug, 'data-status': status ?? '', transform: `translate(${n.x - W / 2},${n.y - H / 2})` },
      s('title', {}, `${st.step_slug}${status ? `: ${status}` : ''}${detail ? ` (${detail})` : ''}`),
      s('rect', { width: W, height: H, rx: 6 }),
      s('text', { x: 10, y: 19, class: 'slug' }, st.step_slug.length > 19 ? st.step_slug.slice(0, 18) + '…' : st.step_slug),
      s('text', { x: 10, y: 36, class: 'detail' }, [st.step_type === 'map' ? 'map' : '', status ?? '', detail ?? ''].filter(Boolean).join(' · ')));
    svg.append(node);
  }
  return svg;
}
