// One place that tells errors apart, for the worker and the client alike.
// postgres.js puts the SQLSTATE in `code` for errors the server raised (name
// 'PostgresError'), its own codes for client-side ones (CONNECTION_CLOSED,
// CONNECT_TIMEOUT, ...) and Node's for socket errors (ECONNRESET, ...).
// Errors are never wrapped: callers keep reading err.code and err.hint.

/** The error's `code`, if it has a string one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** sql.end() was called: nothing will work on this client again. */
export function isClientEnded(err: unknown): boolean {
  return errorCode(err) === 'CONNECTION_ENDED';
}

/**
 * The connection went away or could not be made (a server restart, the
 * network): the same call may work on a new connection.
 */
export function isConnectionLost(err: unknown): boolean {
  const code = errorCode(err);
  if (code === undefined || isClientEnded(err)) return false;
  return (
    code.startsWith('08') || // connection_exception
    code.startsWith('57P') || // admin_shutdown, crash_shutdown, cannot_connect_now, ...
    code.startsWith('CONNECT') || // postgres.js: CONNECTION_CLOSED, CONNECTION_DESTROYED, CONNECT_TIMEOUT
    code.startsWith('E') // Node: ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ...
  );
}

/** SQLSTATEs after which the server itself says to try again. */
const RETRY_STATES = new Set([
  '40P01', // deadlock_detected
  '40001', // serialization_failure
  '53300', // too_many_connections
]);

/** Worth trying again as is: the connection was lost, or the server asked for a retry. */
export function isTransient(err: unknown): boolean {
  return isConnectionLost(err) || RETRY_STATES.has(errorCode(err) ?? '');
}

/**
 * The server raised it for the statement (a PostgresError). Checked by name
 * rather than instanceof: the app may load another copy of postgres.js.
 */
export function isServerError(err: unknown): boolean {
  return (err as { name?: unknown } | null | undefined)?.name === 'PostgresError';
}
