// serializeError: what a handler threw, as the text fail_task stores. No database.
import { describe, expect, it } from 'vitest';
import { cutUtf8, errorObject, MAX_ERROR_BYTES, serializeError } from '../../src/worker/errors.js';

describe('serializeError', () => {
  it('an Error: name and message, then its stack frames', () => {
    const text = serializeError(new TypeError('bad input'));
    const [first, ...rest] = text.split('\n');
    expect(first).toBe('TypeError: bad input');
    expect(rest.length).toBeGreaterThan(0);
    for (const line of rest) expect(line).toMatch(/^ {4}at /);
  });

  it('puts the code after the name, as Node does', () => {
    const err = Object.assign(new Error('slow down'), { code: 'E_RATE' });
    expect(serializeError(err).split('\n')[0]).toBe('Error [E_RATE]: slow down');
    const numeric = Object.assign(new Error('x'), { code: 42 });
    expect(serializeError(numeric).split('\n')[0]).toBe('Error [42]: x');
  });

  it('keeps 10 frames and says how many more there were', () => {
    const err = new Error('deep');
    err.stack = ['Error: deep', ...Array.from({ length: 25 }, (_, i) => `    at f${i} (file.js:${i}:1)`)].join('\n');
    const lines = serializeError(err).split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[1]).toBe('    at f0 (file.js:0:1)');
    expect(lines[10]).toBe('    at f9 (file.js:9:1)');
    expect(lines[11]).toBe('    ... 15 more');
  });

  it('takes name and message from the error, not from a stale stack header', () => {
    const err = new Error('first');
    err.message = 'second';
    err.name = 'CustomError';
    expect(serializeError(err).split('\n')[0]).toBe('CustomError: second');
  });

  it('an error without message or stack', () => {
    const err = new Error();
    err.stack = undefined;
    expect(serializeError(err)).toBe('Error');
  });

  it('adds a line per cause', () => {
    const err = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) });
    err.stack = 'Error: outer';
    expect(serializeError(err)).toBe('Error: outer\n  caused by: Error [ECONNRESET]: inner');
    const obj = new Error('outer', { cause: { status: 503 } });
    obj.stack = 'Error: outer';
    expect(serializeError(obj)).toBe('Error: outer\n  caused by: {"status":503}');
  });

  it('a thrown non-Error as JSON, a string as itself', () => {
    expect(serializeError({ code: 'E_RATE' })).toBe('{"code":"E_RATE"}');
    expect(serializeError([1, 'a'])).toBe('[1,"a"]');
    expect(serializeError(42)).toBe('42');
    expect(serializeError(null)).toBe('null');
    expect(serializeError(undefined)).toBe('undefined');
    expect(serializeError('plain string')).toBe('plain string');
    expect(serializeError({ n: 10n })).toBe('{"n":"10"}');
  });

  it('what JSON cannot carry, as String() says', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(serializeError(cyclic)).toBe('[object Object]');
    expect(serializeError(Symbol('s'))).toBe('Symbol(s)');
  });

  it('an Error from another realm counts as an Error', async () => {
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext('new RangeError("elsewhere")') as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(serializeError(foreign).split('\n')[0]).toBe('RangeError: elsewhere');
  });

  it('is never longer than 8 KB', () => {
    const text = serializeError(new Error('x'.repeat(50_000)));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(text).toMatch(/^Error: x+\n\.\.\. \(cut: \d+ bytes in all\)$/);
    expect(Buffer.byteLength(serializeError({ big: 'y'.repeat(20_000) }))).toBeLessThanOrEqual(MAX_ERROR_BYTES);
  });
});

describe('cutUtf8', () => {
  it('leaves short text alone', () => {
    expect(cutUtf8('héllo', 100)).toBe('héllo');
  });

  it('cuts by UTF-8 bytes, never inside a character', () => {
    const text = '€'.repeat(1000) + '😀'.repeat(1000); // 3 and 4 bytes each
    for (const max of [100, 101, 102, 3001, 3002, 3003]) {
      const cut = cutUtf8(text, max);
      expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/\uFFFD/);
      expect(Buffer.from(cut).toString()).toBe(cut); // well-formed
      expect(cut).toMatch(/\n\.\.\. \(cut: 7000 bytes in all\)$/);
    }
  });
});

describe('errorObject', () => {
  it('an Error as name, message, code and a cut stack; anything else as is', () => {
    const err = Object.assign(new Error('boom'), { code: 'E_X' });
    expect(errorObject(err)).toMatchObject({ name: 'Error', message: 'boom', code: 'E_X', stack: expect.stringMatching(/^Error \[E_X\]: boom\n {4}at /) });
    expect(errorObject(new Error('no code'))).not.toHaveProperty('code');
    expect(errorObject({ code: 'E_RATE' })).toEqual({ code: 'E_RATE' });
  });
});
