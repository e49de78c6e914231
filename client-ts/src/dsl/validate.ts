// Runtime checks for flow definitions. They mirror the SQL side
// (pgflow._assert_slug, pgflow._assert_option, pgflow.add_step) so a definition
// that passes here is accepted by the database, and plain-JS callers get the
// same errors that the types give TypeScript callers.
import type { StepCondition, WhenExhausted, WhenUnmet } from './types.js';

/**
 * Thrown by `new Flow()`, `.step()` and `.map()` when a definition breaks a rule.
 *
 * @example
 * try { new Flow({ slug: '1bad' }) } catch (e) { if (e instanceof FlowDefinitionError) console.error(e.message) }
 */
export class FlowDefinitionError extends Error {
  override name = 'FlowDefinitionError';
}

export const SLUG_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const MAX_SLUG_LENGTH = 128;
// pgmq names a queue after the flow and limits queue names to 47 characters.
export const MAX_FLOW_SLUG_LENGTH = 47;
export const MAX_INT = 2147483647;

type Kind = 'flow' | 'step';

/** Shows a user value in an error message: strings quoted, the rest as written. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

export function assertSlug(kind: Kind, slug: unknown): asserts slug is string {
  const max = kind === 'flow' ? MAX_FLOW_SLUG_LENGTH : MAX_SLUG_LENGTH;
  if (slug === 'run') {
    throw new FlowDefinitionError(
      `${kind} slug "run" is reserved: task inputs keep the flow input under "run"`,
    );
  }
  if (typeof slug !== 'string' || !SLUG_PATTERN.test(slug) || slug.length > max) {
    throw new FlowDefinitionError(
      `invalid ${kind} slug ${show(slug)}: must match ${SLUG_PATTERN.source} and be at most ${max} characters`,
    );
  }
}

const MINIMUMS = { maxAttempts: 0, baseDelay: 0, timeout: 1, startDelay: 0 } as const;
/** A timeout's lease is timeout + 2 s in pgmq's integer visibility timeout: the database's bound. */
const MAXIMUMS: Record<OptionName, number> = { maxAttempts: MAX_INT, baseDelay: MAX_INT, timeout: MAX_INT - 2, startDelay: MAX_INT };
export type OptionName = keyof typeof MINIMUMS;
export const FLOW_OPTION_NAMES = ['maxAttempts', 'baseDelay', 'timeout'] as const;
export const STEP_OPTION_NAMES = ['maxAttempts', 'baseDelay', 'timeout', 'startDelay'] as const;
export const CONDITION_OPTION_NAMES = ['runIf', 'runUnless', 'whenUnmet'] as const;
const WHEN_UNMET: readonly WhenUnmet[] = ['skip', 'skip_cascade', 'fail'];
const WHEN_EXHAUSTED: readonly WhenExhausted[] = ['fail', 'skip', 'skip_cascade'];

/** Checks a step's whenExhausted as pgflow.add_step does: undefined, or one of the three. */
export function checkWhenExhausted(owner: string, value: unknown): WhenExhausted | undefined {
  if (value === undefined) return undefined;
  if (!(WHEN_EXHAUSTED as readonly unknown[]).includes(value)) {
    throw new FlowDefinitionError(`invalid whenExhausted ${show(value)} for ${owner}: must be ${WHEN_EXHAUSTED.join(', ')}`);
  }
  return value as WhenExhausted;
}

/**
 * Picks the options that were set out of `raw`, checking each; any other key
 * except those in `allowedExtra` is rejected so that typos do not pass silently.
 */
export function pickOptions<N extends OptionName>(
  owner: string,
  raw: Record<string, unknown>,
  names: readonly N[],
  allowedExtra: readonly string[],
): { [K in N]?: number } {
  const picked: { [K in N]?: number } = {};
  for (const key of Object.keys(raw)) {
    if (!(names as readonly string[]).includes(key) && !allowedExtra.includes(key)) {
      throw new FlowDefinitionError(`unknown option ${show(key)} for ${owner}`);
    }
  }
  for (const name of names) {
    const value = raw[name];
    if (value === undefined) continue;
    const min = MINIMUMS[name];
    const max = MAXIMUMS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new FlowDefinitionError(
        `invalid ${name} ${show(value)} for ${owner}: must be an integer between ${min} and ${max}`,
      );
    }
    picked[name] = value;
  }
  return picked;
}

/** Checks a step's dependency list against the steps defined before it. */
export function assertDependencies(
  stepSlug: string,
  deps: unknown,
  known: ReadonlySet<string>,
): asserts deps is string[] {
  if (!Array.isArray(deps)) {
    throw new FlowDefinitionError(
      `dependsOn of step "${stepSlug}" must be an array of step slugs, got ${show(deps)}`,
    );
  }
  const seen = new Set<string>();
  for (const dep of deps) {
    if (typeof dep !== 'string') {
      throw new FlowDefinitionError(
        `step "${stepSlug}" has a dependency that is not a step slug: ${show(dep)}`,
      );
    }
    if (dep === stepSlug) {
      throw new FlowDefinitionError(`step "${stepSlug}" cannot depend on itself`);
    }
    if (!known.has(dep)) {
      throw new FlowDefinitionError(`step "${stepSlug}" depends on unknown step ${show(dep)}`);
    }
    if (seen.has(dep)) {
      throw new FlowDefinitionError(`step "${stepSlug}" lists dependency ${show(dep)} twice`);
    }
    seen.add(dep);
  }
}

/**
 * Checks runIf / runUnless / whenUnmet of a step or branch as pgflow.add_step
 * does: each pattern a JSON object whose top-level keys are "run" or a direct
 * dependency. Returns the condition (frozen), or undefined when none is set.
 */
export function assertCondition(
  owner: string,
  raw: Record<string, unknown>,
  deps: readonly string[],
): StepCondition | undefined {
  const out: { runIf?: unknown; runUnless?: unknown; whenUnmet?: unknown } = {};
  for (const name of ['runIf', 'runUnless'] as const) {
    const pattern = raw[name];
    if (pattern === undefined) continue;
    if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) {
      throw new FlowDefinitionError(`${name} of ${owner} must be an object (a pattern of the input), got ${show(pattern)}`);
    }
    let copy: unknown;
    try {
      copy = JSON.parse(JSON.stringify(pattern));
    } catch {
      throw new FlowDefinitionError(`${name} of ${owner} must be JSON-serializable`);
    }
    for (const key of Object.keys(pattern)) {
      if (key !== 'run' && !deps.includes(key)) {
        throw new FlowDefinitionError(
          `${name} of ${owner} refers to ${show(key)}, which is neither "run" nor a dependency; allowed: ${['run', ...deps].join(', ')}`,
        );
      }
    }
    out[name] = copy;
  }
  const when = raw.whenUnmet;
  if (when !== undefined) {
    if (!(WHEN_UNMET as readonly unknown[]).includes(when)) {
      throw new FlowDefinitionError(`invalid whenUnmet ${show(when)} for ${owner}: must be ${WHEN_UNMET.join(', ')}`);
    }
    out.whenUnmet = when;
  }
  return Object.keys(out).length === 0 ? undefined : (Object.freeze(out) as StepCondition);
}
