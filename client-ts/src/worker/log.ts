// Where the worker tells what it does. Inside, every module calls a
// WorkerLogger function; startWorker's `log` option may also be a pino-style
// object, and without one the worker writes warnings and errors to stderr.
import { errorObject, serializeError } from './errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * A function that receives every message the worker logs, at every level.
 * Fields name the task (`flow`, `step`, `run_id`, `task_index`, `attempt`)
 * and carry what was thrown under `error`.
 */
export type WorkerLogger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/**
 * A pino-compatible logger (pino, or anything with its `logger.warn(obj, msg)`
 * methods): the fields come first, what was thrown is under `err`, so pino's
 * standard error serializer formats it. Its own level decides what is written.
 */
export interface PinoLikeLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface ConsoleLogOptions {
  /** 'text' (default): a line for people, the error's stack indented below; 'json': one JSON object a line. */
  format?: 'text' | 'json';
  /** The lowest level written. Default 'warn'. */
  level?: LogLevel;
  /** Where lines go. Default: process.stderr. */
  write?: (line: string) => void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A field value in a text line: bare when it is a simple word, else JSON. */
function show(value: unknown): string {
  if (typeof value === 'string' && /^[\w.:/@-]+$/.test(value)) return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The default logger: writes each message at or above `level` (default
 * 'warn') to stderr, as text or as JSON lines.
 *
 * text: `pgflow-ts worker warn: task failed flow=f step=s run_id=... attempt=1` then the error, indented
 * json: `{"time":"...","level":"warn","msg":"task failed","flow":"f",...,"err":{"name":...,"stack":...}}`
 */
export function consoleLog(options: ConsoleLogOptions = {}): WorkerLogger {
  const { format = 'text', level: min = 'warn', write = (line: string) => void process.stderr.write(line) } = options;
  return (level, message, fields = {}) => {
    if (RANK[level] < RANK[min]) return;
    const { error, ...rest } = fields;
    if (format === 'json') {
      const entry = { time: new Date().toISOString(), level, msg: message, ...rest, ...('error' in fields ? { err: errorObject(error) } : {}) };
      let line: string;
      try {
        line = JSON.stringify(entry, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      } catch {
        line = JSON.stringify({ time: entry.time, level, msg: message, err: serializeError(error) });
      }
      write(line + '\n');
      return;
    }
    const pairs = Object.entries(rest).map(([k, v]) => `${k}=${show(v)}`);
    const head = `pgflow-ts worker ${level}: ${message}${pairs.length ? ' ' + pairs.join(' ') : ''}`;
    const detail = 'error' in fields ? '\n' + serializeError(error).replace(/^/gm, '    ') : '';
    write(head + detail + '\n');
  };
}

/** Default for startWorker's `log`: warnings and errors, as text, to stderr. */
export const defaultLog: WorkerLogger = consoleLog();

function isPinoLike(log: unknown): log is PinoLikeLogger {
  const l = log as Partial<PinoLikeLogger> | null;
  return typeof l === 'object' && l !== null && ['debug', 'info', 'warn', 'error'].every((m) => typeof l[m as LogLevel] === 'function');
}

/** startWorker's `log` option as the function the worker calls. */
export function toWorkerLogger(log: WorkerLogger | PinoLikeLogger | undefined, defaults: ConsoleLogOptions = {}): WorkerLogger {
  if (log === undefined) return defaults.format || defaults.level ? consoleLog(defaults) : defaultLog;
  if (typeof log === 'function') return log;
  if (!isPinoLike(log)) throw new TypeError('log must be a function (level, message, fields) or a pino-style logger with debug, info, warn and error methods');
  return (level, message, fields = {}) => {
    const { error, ...rest } = fields;
    log[level]('error' in fields ? { ...rest, err: error } : rest, message);
  };
}

/** An error as one line of text: handlers may throw anything. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
