// Flow input schemas: any validator that implements Standard Schema v1
// (https://standardschema.dev; zod 3.24+ and 4, valibot 1, arktype 2 do). The
// interface comes from the spec's types-only package, so that no validator is
// a dependency. startFlow validates the input with it before starting a run, the
// worker validates runs started elsewhere before their root steps run.

import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * The Standard Schema v1 interface (types only): what a flow's `inputSchema`
 * must implement. From `@standard-schema/spec`, the spec's own types-only
 * package (no runtime code), kept by the authors of zod, valibot and arktype.
 *
 * @example
 * import { z } from 'zod';
 * const schema: StandardSchemaV1<unknown, { n: number }> = z.object({ n: z.number() });
 */
export type { StandardSchemaV1 };

/** At most this many issues are written into an error message (all are on `issues`). */
const MAX_LISTED_ISSUES = 20;

/**
 * A flow input failed the flow's `inputSchema`: thrown by startFlow and
 * startFlows (nothing started), and stored by the worker as the error of a
 * run started elsewhere. `issues` are the validator's, as it gave them.
 *
 * @example
 * try { await startFlow(sql, flow, input) } catch (err) {
 *   if (err instanceof FlowInputError) console.log(err.issues.map((i) => i.message))
 * }
 */
export class FlowInputError extends Error {
  override name = 'FlowInputError';
  constructor(
    readonly flowSlug: string,
    readonly issues: ReadonlyArray<StandardSchemaV1.Issue>,
  ) {
    super(`input of flow "${flowSlug}" is invalid:\n${formatIssues(issues)}`);
  }
}

/** The issues one a line, each `  path: message` (the path dotted, `[0]` for indexes). */
export function formatIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issuePath(issue);
    return `  ${path === '' ? '(input)' : path}: ${issue.message}`;
  });
  if (issues.length > MAX_LISTED_ISSUES) lines.push(`  ... and ${issues.length - MAX_LISTED_ISSUES} more`);
  return lines.join('\n');
}

function issuePath(issue: StandardSchemaV1.Issue): string {
  let out = '';
  for (const segment of issue.path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** True for a value that implements Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return (
    typeof props === 'object' &&
    props !== null &&
    (props as { version?: unknown }).version === 1 &&
    typeof (props as { validate?: unknown }).validate === 'function'
  );
}

/**
 * Validates `input` with the schema: the validated value (the schema's output,
 * which may differ from the input: stripped keys, defaults) or the issues.
 */
export async function validateWithSchema(
  schema: StandardSchemaV1,
  input: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; issues: ReadonlyArray<StandardSchemaV1.Issue> }> {
  const result = await schema['~standard'].validate(input);
  if (result.issues !== undefined) return { ok: false, issues: result.issues };
  return { ok: true, value: result.value };
}
