import { describe, expect, it } from 'vitest';
import { describeActor } from '../src/lib/actors';
import { errorInfo, hasAppCode } from '../src/lib/errors';
import { ActionKeys } from '../src/lib/idempotency';
import { moveActive } from '../src/lib/list-navigation';

describe('errorInfo', () => {
  it('reads the appCode, message and details the API sends', () => {
    const error = Object.assign(new Error('Someone changed this level first'), {
      data: { appCode: 'VERSION_MISMATCH', details: { currentVersion: 7 } },
    });
    expect(errorInfo(error)).toEqual({
      appCode: 'VERSION_MISMATCH',
      message: 'Someone changed this level first',
      details: { currentVersion: 7 },
    });
    expect(hasAppCode(error, 'VERSION_MISMATCH')).toBe(true);
  });

  it('calls anything without an appCode a network problem', () => {
    const info = errorInfo(new TypeError('Failed to fetch'));
    expect(info.appCode).toBe('NETWORK');
    expect(info.message).toMatch(/could not reach/i);
    expect(hasAppCode(null, 'NETWORK')).toBe(false);
  });
});

describe('ActionKeys', () => {
  const counter = () => {
    let n = 0;
    return () => `key-${++n}`;
  };

  it('reuses the key when the same input is sent again (a retried click)', () => {
    const keys = new ActionKeys(counter());
    const input = { sku: 'A', quantity: 10 };
    expect(keys.keyFor(input)).toBe('key-1');
    expect(keys.keyFor({ ...input })).toBe('key-1');
  });

  it('gives a new key for a different input, and after success', () => {
    const keys = new ActionKeys(counter());
    expect(keys.keyFor({ quantity: 10 })).toBe('key-1');
    expect(keys.keyFor({ quantity: 11 })).toBe('key-2');
    keys.done();
    expect(keys.keyFor({ quantity: 11 })).toBe('key-3');
  });

  it('makes UUIDs by default', () => {
    expect(new ActionKeys().keyFor({})).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('describeActor', () => {
  const names = new Map([['u-2', 'Sam Staff']]);
  it('names people where it can', () => {
    expect(describeActor('user:u-1', { selfId: 'u-1', names })).toBe('you');
    expect(describeActor('user:u-2', { selfId: 'u-1', names })).toBe('Sam Staff');
    expect(describeActor('user:0123456789ab', {})).toBe('user 01234567');
    expect(describeActor('system:sweeper')).toBe('system (sweeper)');
    expect(describeActor('service:abcdef0123')).toBe('service abcdef01');
  });
});

describe('moveActive', () => {
  it('moves within the list and stops at the ends', () => {
    expect(moveActive(-1, 1, 3)).toBe(0);
    expect(moveActive(-1, -1, 3)).toBe(2);
    expect(moveActive(1, 1, 3)).toBe(2);
    expect(moveActive(2, 1, 3)).toBe(2);
    expect(moveActive(0, -1, 3)).toBe(0);
    expect(moveActive(0, 1, 0)).toBe(-1);
  });
});
