import type { FlowOptions, StepDefinition, StepOptions } from '../dsl/types.js';
import { pad } from './format.js';

type InspectableFlow = {
  readonly slug: string;
  readonly options: Readonly<FlowOptions>;
  readonly steps: readonly Pick<StepDefinition, 'slug' | 'type' | 'dependsOn' | 'options' | 'condition' | 'branch'>[];
};

function formatOptions(options: Readonly<StepOptions>): string {
  const set = Object.entries(options).filter(([, v]) => v !== undefined);
  return set.length === 0 ? '-' : set.map(([k, v]) => `${k}=${v}`).join(' ');
}

// The condition column, shown only when some step has a condition.
function formatCondition(step: InspectableFlow['steps'][number]): string {
  const c = step.condition;
  if (c === undefined) return '-';
  const parts = [
    ...(step.branch === undefined ? [] : [`branch=${step.branch}`]),
    ...(c.runIf === undefined ? [] : [`runIf=${JSON.stringify(c.runIf)}`]),
    ...(c.runUnless === undefined ? [] : [`runUnless=${JSON.stringify(c.runUnless)}`]),
    `whenUnmet=${c.whenUnmet ?? 'skip'}`,
  ];
  return parts.join(' ');
}

/**
 * A readable, deterministic manifest of a flow: its options, a table of steps,
 * and the DAG drawn layer by layer (a step sits one layer below its deepest
 * dependency) followed by its edges.
 */
export function renderManifest(flow: InspectableFlow): string {
  const depth = new Map<string, number>();
  for (const step of flow.steps) {
    depth.set(step.slug, Math.max(-1, ...step.dependsOn.map((d) => depth.get(d) ?? 0)) + 1);
  }
  const dependents = new Set(flow.steps.flatMap((s) => s.dependsOn));
  const box = (s: InspectableFlow['steps'][number]) =>
    s.type === 'map' ? `{${s.slug}}` : s.type === 'signal' ? `<${s.slug}>` : `[${s.slug}]`;

  const out = [`flow ${flow.slug}`, `  options: ${formatOptions(flow.options)}`, '', `steps (${flow.steps.length}):`];
  if (flow.steps.length > 0) {
    const conditions = flow.steps.some((s) => s.condition !== undefined);
    const rows = [['slug', 'type', 'depends on', 'options', ...(conditions ? ['condition'] : [])]].concat(
      flow.steps.map((s) => [
        s.slug + (dependents.has(s.slug) ? '' : ' (leaf)'),
        s.type,
        s.dependsOn.length > 0 ? s.dependsOn.join(', ') : s.type === 'map' ? '(run input)' : '-',
        formatOptions(s.options),
        ...(conditions ? [formatCondition(s)] : []),
      ]),
    );
    out.push(...pad(rows).map((line) => `  ${line}`));
  }

  out.push('', 'dag ([x] single step, {x} map step):');
  const layers = Math.max(-1, ...depth.values()) + 1;
  for (let i = 0; i < layers; i++) {
    const here = flow.steps.filter((s) => depth.get(s.slug) === i);
    if (i > 0) out.push('    |');
    out.push(`  ${i}: ${here.map(box).join('  ')}`);
  }
  out.push('', 'edges:');
  const edges = flow.steps.flatMap((s) => {
    const note = s.type === 'map' ? '  (one task per element)' : s.type === 'signal' ? '  (waits for send_signal)' : '';
    const from = s.dependsOn.length === 0 && s.type === 'map' ? ['(run input)'] : s.dependsOn;
    return from.map((d) => `  ${d} --> ${s.slug}${note}`);
  });
  out.push(...(edges.length === 0 ? ['  (none)'] : edges));
  return out.join('\n') + '\n';
}
