/**
 * The per-account sign-in limit (its own database: LOGIN_LIMIT_PER_ACCOUNT=3),
 * through createCaller. The 429 status and Retry-After header it becomes on
 * the wire are checked in http.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { attempt, callerFor, useApi } from './kit/api.js';

const server = useApi({ LOGIN_LIMIT_PER_ACCOUNT: '3', LOGIN_LIMIT_PER_IP: '50' });

const login = async (email: string, password: string) => {
  const answer = await attempt(() => callerFor(server.api).auth.login({ email, password }));
  return {
    status: answer.outcome === 'ok' ? 200 : answer.status,
    appCode: answer.outcome === 'ok' ? undefined : answer.outcome,
    retryAfter: answer.retryAfter,
  };
};

describe('sign-in limit per account', () => {
  it('answers RATE_LIMITED (429, with a wait) after LOGIN_LIMIT_PER_ACCOUNT failures, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await login('buyer@example.com', `wrong-${i}`)).toMatchObject({
        status: 401,
        appCode: 'UNAUTHENTICATED',
      });
    }
    const blocked = await login('buyer@example.com', 'stockroom');
    expect(blocked).toMatchObject({ status: 429, appCode: 'RATE_LIMITED' });
    expect(Number(blocked.retryAfter)).toBeGreaterThanOrEqual(1);
    // The account is the key, whatever its case or spacing.
    expect(await login('  Buyer@Example.com ', 'stockroom')).toMatchObject({
      status: 429,
      appCode: 'RATE_LIMITED',
    });
  });

  it('limits per account: another account signs in from the same address', async () => {
    expect(await login('staff@example.com', 'stockroom')).toMatchObject({ status: 200, appCode: undefined });
  });

  it('treats an unknown email like a real one, so the limit reveals nothing either', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await login('ghost@example.com', `wrong-${i}`)).toMatchObject({ status: 401 });
    }
    expect(await login('ghost@example.com', 'stockroom')).toMatchObject({
      status: 429,
      appCode: 'RATE_LIMITED',
    });
  });
});
