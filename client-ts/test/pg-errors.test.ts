// The one rule by which the worker and the client tell errors apart.
import { describe, expect, it } from 'vitest';
import { errorCode, isClientEnded, isConnectionLost, isServerError, isTransient } from '../src/pg-errors.js';

const withCode = (code: unknown, name = 'Error') => Object.assign(new Error('x'), { name, code });

describe('pg-errors', () => {
  it.each([
    ['08006', 'connection_failure'],
    ['08P01', 'protocol_violation'],
    ['57P01', 'admin_shutdown'],
    ['57P03', 'cannot_connect_now'],
    ['CONNECTION_CLOSED', 'postgres.js: the connection closed'],
    ['CONNECTION_DESTROYED', 'postgres.js: the connection was destroyed'],
    ['CONNECT_TIMEOUT', 'postgres.js: could not connect in time'],
    ['ECONNREFUSED', 'Node: nobody listens'],
    ['ECONNRESET', 'Node: reset by the peer'],
    ['EPIPE', 'Node: broken pipe'],
  ])('%s (%s) is a lost connection, and transient', (code) => {
    expect(isConnectionLost(withCode(code))).toBe(true);
    expect(isTransient(withCode(code))).toBe(true);
  });

  it.each([
    ['40P01', 'deadlock_detected'],
    ['40001', 'serialization_failure'],
    ['53300', 'too_many_connections'],
  ])('%s (%s) is transient but no lost connection', (code) => {
    expect(isTransient(withCode(code, 'PostgresError'))).toBe(true);
    expect(isConnectionLost(withCode(code, 'PostgresError'))).toBe(false);
  });

  it.each([
    ['42704', 'undefined_object'],
    ['23505', 'unique_violation'],
    ['22023', 'invalid_parameter_value'],
    ['57014', 'query_canceled'],
    ['P0001', 'raise_exception'],
  ])('%s (%s) is neither', (code) => {
    expect(isTransient(withCode(code, 'PostgresError'))).toBe(false);
    expect(isConnectionLost(withCode(code, 'PostgresError'))).toBe(false);
  });

  it('an ended client is final: not lost, not transient', () => {
    const ended = withCode('CONNECTION_ENDED');
    expect(isClientEnded(ended)).toBe(true);
    expect(isConnectionLost(ended)).toBe(false);
    expect(isTransient(ended)).toBe(false);
    expect(isClientEnded(withCode('CONNECTION_CLOSED'))).toBe(false);
  });

  it('anything without a string code is neither, and does not throw', () => {
    for (const err of [new Error('plain'), withCode(8006), 'a string', null, undefined, 42, {}]) {
      expect(isTransient(err)).toBe(false);
      expect(isConnectionLost(err)).toBe(false);
      expect(isClientEnded(err)).toBe(false);
      expect(isServerError(err)).toBe(false);
    }
    expect(errorCode(withCode(8006))).toBeUndefined();
    expect(errorCode(withCode('42704'))).toBe('42704');
  });

  it('a server error is one named PostgresError, whatever its code', () => {
    expect(isServerError(withCode('42704', 'PostgresError'))).toBe(true);
    expect(isServerError(withCode('57P01', 'PostgresError'))).toBe(true);
    expect(isServerError(withCode('ECONNRESET'))).toBe(false);
  });
});
