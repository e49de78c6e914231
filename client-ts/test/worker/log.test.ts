// The worker's loggers: the default one (stderr, text or JSON lines) and
// pino-style objects. No database.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLog, defaultLog, toWorkerLogger, type PinoLikeLogger } from '../../src/worker/log.js';

function capture(options: Parameters<typeof consoleLog>[0] = {}) {
  const lines: string[] = [];
  return { lines, log: consoleLog({ ...options, write: (line) => lines.push(line) }) };
}
const task = { flow: 'orders', step: 'charge', run_id: '0b5c4c2e-1b8a-4a1e-9d7e-3f2a1c0d9e8f', task_index: 0, attempt: 2 };

afterEach(() => vi.restoreAllMocks());

describe('consoleLog (the default logger)', () => {
  it('writes warnings and errors, not info or debug', () => {
    const { lines, log } = capture();
    log('debug', 'task completed', task);
    log('info', 'worker registered again');
    log('warn', 'reading queue "orders" failed');
    log('error', 'run failed', task);
    expect(lines).toEqual([
      'pgflow-ts worker warn: reading queue "orders" failed\n',
      `pgflow-ts worker error: run failed flow=orders step=charge run_id=${task.run_id} task_index=0 attempt=2\n`,
    ]);
  });

  it('puts the error below the line, indented: name, code, message and stack', () => {
    const { lines, log } = capture();
    log('warn', 'task failed', { ...task, error: Object.assign(new Error('card declined'), { code: 'E_CARD' }) });
    const [head, ...rest] = lines[0]!.trimEnd().split('\n');
    expect(head).toBe(`pgflow-ts worker warn: task failed flow=orders step=charge run_id=${task.run_id} task_index=0 attempt=2`);
    expect(rest[0]).toBe('    Error [E_CARD]: card declined');
    expect(rest[1]).toMatch(/^ {8}at /);
    const { lines: obj, log: log2 } = capture();
    log2('warn', 'task failed', { error: { code: 'E_RATE' } });
    expect(obj).toEqual(['pgflow-ts worker warn: task failed\n    {"code":"E_RATE"}\n']);
  });

  it('quotes field values that are not plain words', () => {
    const { lines, log } = capture();
    log('warn', 'm', { a: 'two words', b: 3, c: null, d: { x: 1 } });
    expect(lines).toEqual(['pgflow-ts worker warn: m a="two words" b=3 c=null d={"x":1}\n']);
  });

  it('level lowers or raises the threshold', () => {
    const debug = capture({ level: 'debug' });
    debug.log('debug', 'task completed');
    expect(debug.lines).toHaveLength(1);
    const error = capture({ level: 'error' });
    error.log('warn', 'task failed');
    error.log('error', 'run failed');
    expect(error.lines).toEqual(['pgflow-ts worker error: run failed\n']);
  });

  it("format 'json': one object a line, with time, level, msg, the fields and err", () => {
    const { lines, log } = capture({ format: 'json' });
    log('warn', 'task failed', { ...task, big: 10n, error: Object.assign(new Error('card declined'), { code: 'E_CARD' }) });
    log('error', 'run failed', { ...task, error: { code: 'E_RATE' } });
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toMatchObject({ level: 'warn', msg: 'task failed', ...task, big: '10' });
    expect(new Date(a!.time as string).toISOString()).toBe(a!.time);
    expect(a!.err).toMatchObject({ name: 'Error', message: 'card declined', code: 'E_CARD', stack: expect.stringMatching(/^Error \[E_CARD\]: card declined\n/) });
    expect(a).not.toHaveProperty('error');
    expect(b).toMatchObject({ level: 'error', msg: 'run failed', err: { code: 'E_RATE' } });
  });

  it('the default writes to stderr', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    defaultLog('warn', 'task failed', { flow: 'f' });
    defaultLog('info', 'quiet');
    expect(written).toEqual(['pgflow-ts worker warn: task failed flow=f\n']);
  });
});

describe('toWorkerLogger', () => {
  it('calls a pino-style logger as logger.level(fields, message), the error under err', () => {
    const calls: unknown[][] = [];
    const logger: PinoLikeLogger = {
      debug: (...a) => calls.push(['debug', ...a]),
      info: (...a) => calls.push(['info', ...a]),
      warn: (...a) => calls.push(['warn', ...a]),
      error: (...a) => calls.push(['error', ...a]),
    };
    const log = toWorkerLogger(logger);
    const err = new Error('boom');
    log('warn', 'task failed', { ...task, error: err });
    log('debug', 'task completed', task);
    log('info', 'SIGTERM: stopping');
    expect(calls).toEqual([
      ['warn', { ...task, err }, 'task failed'],
      ['debug', task, 'task completed'],
      ['info', {}, 'SIGTERM: stopping'],
    ]);
  });

  it('keeps `this` for a logger whose methods use it (as pino does)', () => {
    const seen: string[] = [];
    class Logger {
      prefix = 'app';
      debug(_o: object, m: string) { seen.push(`${this.prefix} ${m}`); }
      info(_o: object, m: string) { seen.push(`${this.prefix} ${m}`); }
      warn(_o: object, m: string) { seen.push(`${this.prefix} ${m}`); }
      error(_o: object, m: string) { seen.push(`${this.prefix} ${m}`); }
    }
    toWorkerLogger(new Logger())('error', 'run failed');
    expect(seen).toEqual(['app run failed']);
  });

  it('passes a function logger through, and picks the default otherwise', () => {
    const fn = () => {};
    expect(toWorkerLogger(fn)).toBe(fn);
    expect(toWorkerLogger(undefined)).toBe(defaultLog);
    expect(toWorkerLogger(undefined, { format: 'json' })).not.toBe(defaultLog);
  });

  it('refuses something that is neither', () => {
    expect(() => toWorkerLogger({ warn() {} } as unknown as PinoLikeLogger)).toThrow(/pino-style logger with debug, info, warn and error/);
  });
});
