import { describe, expect, it } from 'vitest';
import { databaseTrouble } from '../src/unavailable.js';

const pgError = (code: string) => Object.assign(new Error(`SQLSTATE ${code}`), { code, severity: 'ERROR' });

describe('databaseTrouble: the one "is the database away?" decision (core and API)', () => {
  it.each([
    ['57014', 'timeout'], // statement_timeout
    ['57P01', 'unavailable'], // admin shutdown
    ['57P03', 'unavailable'], // cannot connect now (starting up)
    ['08006', 'unavailable'], // connection failure
    ['25P03', 'unavailable'], // idle_in_transaction_session_timeout
    ['53300', 'unavailable'], // too many connections
    ['25006', 'unavailable'], // read-only transaction: a demoted primary after failover
  ])('SQLSTATE %s is %s', (code, trouble) => {
    expect(databaseTrouble(pgError(code))).toBe(trouble);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'])(
    'socket error %s is unavailable',
    (code) => {
      expect(databaseTrouble(Object.assign(new Error('socket'), { code }))).toBe('unavailable');
    },
  );

  it("PgBouncer's outage errors (08P01) are unavailable; other protocol violations are not", () => {
    const pooler = (message: string) => Object.assign(new Error(message), { code: '08P01' });
    expect(databaseTrouble(pooler('query_wait_timeout'))).toBe('unavailable');
    expect(
      databaseTrouble(pooler('server login has been failing, try again later (server_login_retry)')),
    ).toBe('unavailable');
    expect(databaseTrouble(pooler('server conn crashed?'))).toBe('unavailable');
    expect(databaseTrouble(pooler('invalid message format'))).toBeUndefined();
  });

  it('driver errors without a code are judged by their message', () => {
    expect(databaseTrouble(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(databaseTrouble(new Error('timeout exceeded when trying to connect'))).toBe('unavailable');
  });

  it.each([
    ['23505', 'unique violation'],
    ['40001', 'serialization failure: retried by the caller, not a sick database'],
    ['22003', 'a value out of range: the request is at fault'],
    ['08P01', 'protocol violation: a bug, not an outage'],
  ])('SQLSTATE %s is not trouble (%s)', (code) => {
    expect(databaseTrouble(pgError(code))).toBeUndefined();
  });

  it('anything that is not an error object is not trouble', () => {
    expect(databaseTrouble(undefined)).toBeUndefined();
    expect(databaseTrouble('Connection terminated')).toBeUndefined();
  });
});
