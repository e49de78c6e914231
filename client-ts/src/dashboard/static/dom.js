// Building the page without innerHTML: every value becomes a text node or an
// attribute, so nothing read from the database is ever parsed as markup.
const SVG = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** h('a', { href: '#/' }, 'text', child, ...): an HTML element. */
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
/** s('rect', { x: 1 }): an SVG element. */
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG, tag), attrs, children);

export function fmtTime(t) {
  if (!t) return '';
  const d = new Date(t);
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

export function fmtDuration(from, to) {
  if (!from) return '';
  const ms = (to ? new Date(to) : new Date()) - new Date(from);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const fmtNum = (n, digits = 2) => (n === null || n === undefined ? '–' : Number(n).toFixed(digits));

export function json(v) {
  return h('pre', { class: 'json' }, v === null || v === undefined ? '–' : JSON.stringify(v, null, 2));
}
