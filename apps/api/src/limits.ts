/**
 * Rate limits (rate-limiter-flexible). Failed logins are counted in PostgreSQL,
 * shared by every API process, per account and per IP; the general request
 * budget is per principal and per process (in memory: it guards the process).
 */
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Env } from './env.js';

export interface Limits {
  /** Seconds to wait when over budget, else undefined. */
  consumeRequest(key: string): Promise<number | undefined>;
  /** Seconds to wait before this login may be tried, else undefined. */
  loginBlocked(email: string, ip: string): Promise<number | undefined>;
  loginFailed(email: string, ip: string): Promise<void>;
  loginSucceeded(email: string): Promise<void>;
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

export function createLimits(env: Env, pool: pg.Pool): Limits {
  const requests = new RateLimiterMemory({
    keyPrefix: 'req',
    points: env.RATE_LIMIT_PER_MINUTE,
    duration: 60,
  });
  const store = { storeClient: pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true };
  const perAccount = new RateLimiterPostgres({
    ...store,
    keyPrefix: 'login-account',
    points: env.LOGIN_LIMIT_PER_ACCOUNT,
    duration: env.LOGIN_LIMIT_WINDOW_SECONDS,
  });
  const perIp = new RateLimiterPostgres({
    ...store,
    keyPrefix: 'login-ip',
    points: env.LOGIN_LIMIT_PER_IP,
    duration: env.LOGIN_LIMIT_WINDOW_SECONDS,
  });
  const account = (email: string) => email.trim().toLowerCase();

  return {
    async consumeRequest(key) {
      try {
        await requests.consume(key);
        return undefined;
      } catch (error) {
        if (error instanceof RateLimiterRes) return retryAfter(error);
        throw error;
      }
    },
    async loginBlocked(email, ip) {
      const [a, i] = await Promise.all([perAccount.get(account(email)), perIp.get(ip)]);
      const blocked = [a, i].filter(
        (r): r is RateLimiterRes =>
          r !== null && r.consumedPoints >= (r === a ? env.LOGIN_LIMIT_PER_ACCOUNT : env.LOGIN_LIMIT_PER_IP),
      );
      return blocked.length > 0 ? Math.max(...blocked.map(retryAfter)) : undefined;
    },
    async loginFailed(email, ip) {
      await Promise.all([perAccount.penalty(account(email), 1), perIp.penalty(ip, 1)]);
    },
    async loginSucceeded(email) {
      await perAccount.delete(account(email));
    },
  };
}
