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
