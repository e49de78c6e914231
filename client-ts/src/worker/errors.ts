// What a handler threw, as the text the worker stores with pgflow.fail_task
// (step_tasks.error_message, RunFailedError.errorMessage) and logs.
import { types } from 'node:util';

/** The stored text is cut to this many UTF-8 bytes: the database keeps whatever it is given. */
export const MAX_ERROR_BYTES = 8192;
/** Stack frames kept (the `at ...` lines after the message). */
export const MAX_STACK_FRAMES = 10;
/** Causes (`err.cause`) followed, each shown by its first line. */
const MAX_CAUSES = 3;

/** The error's name, code and message as Node prints them: `TypeError [ERR_X]: message`. */
function headline(err: Error): string {
  const code = (err as { code?: unknown }).code;
  const name = err.name || 'Error';
  const tag = typeof code === 'string' || typeof code === 'number' ? `${name} [${code}]` : name;
  return err.message ? `${tag}: ${err.message}` : tag;
}

/** The `at ...` lines of a stack, at most `max` of them. */
function frames(stack: unknown, max: number): string[] {
  if (typeof stack !== 'string') return [];
  const lines = stack.split('\n').filter((l) => /^\s+at /.test(l));
  return lines.length > max ? [...lines.slice(0, max), `    ... ${lines.length - max} more`] : lines;
}

/** A value that is not an Error, as JSON (a string as itself); what JSON cannot carry, as Node shows it. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    if (json !== undefined) return json;
  } catch {
    // a cycle, or a toJSON that throws: fall through
  }
  return String(value);
}

function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

/**
 * What a handler threw, as text: for an Error its name, code and message on
 * the first line (`TypeError [ERR_X]: message`), the first 10 frames of its
 * stack and a line per cause; anything else as JSON (`{"code":"E_RATE"}`), a
 * string as itself. Never longer than MAX_ERROR_BYTES bytes.
 *
 * @example
 * serializeError(Object.assign(new Error('slow down'), { code: 'E_RATE' }))
 * // 'Error [E_RATE]: slow down\n    at ...'
 */
export function serializeError(err: unknown, maxBytes = MAX_ERROR_BYTES): string {
  if (!isError(err)) return cutUtf8(describeValue(err), maxBytes);
  const lines = [headline(err), ...frames(err.stack, MAX_STACK_FRAMES)];
  let cause: unknown = (err as { cause?: unknown }).cause;
  for (let i = 0; i < MAX_CAUSES && cause !== undefined; i++) {
    lines.push(`  caused by: ${isError(cause) ? headline(cause) : describeValue(cause)}`);
    cause = isError(cause) ? (cause as { cause?: unknown }).cause : undefined;
  }
  return cutUtf8(lines.join('\n'), maxBytes);
}

/**
 * The error as an object for JSON logs (name, message, code, cut stack), or
 * the value itself when it is not an Error.
 */
export function errorObject(err: unknown): unknown {
  if (!isError(err)) return err;
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    message: err.message,
    ...(code === undefined ? {} : { code }),
    stack: [headline(err), ...frames(err.stack, MAX_STACK_FRAMES)].join('\n'),
  };
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character, saying how much was cut. */
export function cutUtf8(text: string, maxBytes: number): string {
  const total = Buffer.byteLength(text);
  if (total <= maxBytes) return text;
  const note = `\n... (cut: ${total} bytes in all)`;
  const room = Math.max(0, maxBytes - Buffer.byteLength(note));
  // encodeInto writes whole characters only; `read` is how much of the string fit.
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(room));
  return text.slice(0, read) + note;
}

/** The longest retry delay pgflow.fail_task takes: a year, in seconds. */
export const MAX_RETRY_AFTER_SECONDS = 31_536_000;

/**
 * Thrown by a handler, fails its task for good: no retry, whatever attempts
 * remain, and the step and the run fail at once (or the step is skipped, per
 * its `whenExhausted`). For errors that no retry can mend: a declined card, a
 * malformed document. Any error with `retryable: false` does the same.
 *
 * @example
 * .step({ slug: 'charge' }, async (input) => {
 *   const res = await charge(input.run.card)
 *   if (res.declined) throw new PermanentError(`card declined: ${res.reason}`)
 *   return res.id
 * })
 */
export class PermanentError extends Error {
  /** Read by the worker: false fails the task for good. */
  readonly retryable = false as const;
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/**
 * Thrown by a handler, retries its task after `seconds` (0 to 31536000, a
 * fraction rounded up) instead of the step's backoff, as a rate limit's
 * Retry-After asks; within the step's max attempts (the last attempt fails
 * as usual).
 *
 * @example
 * if (res.status === 429) throw new RetryAfterError('rate limited', Number(res.headers.get('retry-after') ?? 60))
 */
export class RetryAfterError extends Error {
  /** Whole seconds before the next attempt. */
  readonly retryAfter: number;
  constructor(message: string, seconds: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryAfterError';
    if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= MAX_RETRY_AFTER_SECONDS)) {
      throw new RangeError(`RetryAfterError: seconds must be between 0 and ${MAX_RETRY_AFTER_SECONDS}, got ${String(seconds)}`);
    }
    this.retryAfter = Math.ceil(seconds);
  }
}

/** What pgflow.fail_task is told beside the message: retryable (default true) and retry_after (default: the backoff). */
export interface FailOptions {
  retryable?: boolean;
  retryAfter?: number;
}

/**
 * The fail_task options for what a handler threw: `retryable: false` for a
 * PermanentError or any object whose `retryable` is false; the delay of a
 * RetryAfterError.
 */
export function failOptions(err: unknown): FailOptions {
  if (typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false) {
    return { retryable: false };
  }
  if (err instanceof RetryAfterError) return { retryAfter: err.retryAfter };
  return {};
}
