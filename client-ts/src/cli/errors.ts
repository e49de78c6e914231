// The failures the CLI expects, and how each becomes one line on stderr.
import { errorCode, isConnectionLost } from '../pg-errors.js';

/** Wrong use of the CLI: one line, where the help is, exit code 2. */
export class UsageError extends Error {}
/** An expected failure: one line, no stack, exit code 1. */
export class CliError extends Error {}

/** Exit codes: 0 done, 1 failed (the database said no, a file is bad), 2 wrong use. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, '; ').trim();

interface PostgresErrorLike {
  name: 'PostgresError';
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

function isPostgresError(err: unknown): err is PostgresErrorLike {
  return err instanceof Error && err.name === 'PostgresError' && typeof errorCode(err) === 'string';
}

/**
 * A server error as `error <SQLSTATE>: <message> (hint: <hint>)`; a lost or
 * refused connection as `cannot connect to the database: ...`. Anything else
 * is not a database error: undefined.
 */
export function databaseErrorLine(err: unknown): string | undefined {
  if (isPostgresError(err)) {
    const detail = err.detail ? ` (detail: ${oneLine(err.detail)})` : '';
    const hint = err.hint ? ` (hint: ${oneLine(err.hint)})` : '';
    return `error ${err.code}: ${oneLine(err.message)}${detail}${hint}`;
  }
  // Node's own ERR_* codes (a bad option, a missing module) are not the network's.
  if (isConnectionLost(err) && err instanceof Error && !errorCode(err)!.startsWith('ERR_')) {
    // Node reports a refused dual-stack connect as an AggregateError with no message.
    const inner = err instanceof AggregateError ? err.errors.map((e: Error) => e.message).join('; ') : '';
    const text = oneLine(err.message || inner || errorCode(err)!);
    return `cannot connect to the database: ${text} (the connection comes from PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD)`;
  }
  return undefined;
}
