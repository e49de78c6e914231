/** Where the worker tells what it does; warn and error go to console.error by default. */
export type WorkerLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

export const defaultLog: WorkerLogger = (level, message, fields) => {
  if (level === 'warn' || level === 'error') console.error(`pgflow worker ${level}: ${message}`, fields ?? '');
};

/** An error as one line of text: handlers may throw anything. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
