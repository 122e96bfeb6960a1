/**
 * Rate limits (rate-limiter-flexible). Sign-in and sign-up attempts are counted
 * in PostgreSQL, shared by every API process: each attempt takes its point
 * first, in one atomic upsert, so parallel attempts cannot all slip under the
 * limit; a successful sign-in gives its point back. The general request budget
 * is per principal and per process (in memory: it guards the process).
 */
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Env } from './env.js';

export interface Limits {
  /** Seconds to wait when over budget, else undefined. */
  consumeRequest(key: string): Promise<number | undefined>;
  /**
   * Count one sign-in attempt for this account and this IP. Seconds to wait when
   * either is over its budget (the attempt must then not be tried), else undefined.
   */
  consumeLogin(email: string, ip: string): Promise<number | undefined>;
  /** Give back the point of an attempt that succeeded (or was never tried). */
  refundLogin(email: string, ip: string): Promise<void>;
  /** Count one sign-up from this IP; seconds to wait when over budget, else undefined. */
  consumeRegister(ip: string): Promise<number | undefined>;
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** Seconds to wait for the longest refusal among these consumes, or undefined if all passed. */
async function consumeAll(attempts: Promise<RateLimiterRes>[]): Promise<number | undefined> {
  const results = await Promise.allSettled(attempts);
  let wait: number | undefined;
  for (const r of results) {
    if (r.status === 'fulfilled') continue;
    if (!(r.reason instanceof RateLimiterRes)) throw r.reason;
    wait = Math.max(wait ?? 0, retryAfter(r.reason));
  }
  return wait;
}

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
  const registerPerIp = new RateLimiterPostgres({
    ...store,
    keyPrefix: 'register-ip',
    points: env.REGISTER_LIMIT_PER_IP,
    duration: env.REGISTER_LIMIT_WINDOW_SECONDS,
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
    consumeLogin(email, ip) {
      return consumeAll([perAccount.consume(account(email)), perIp.consume(ip)]);
    },
    async refundLogin(email, ip) {
      await Promise.all([perAccount.reward(account(email)), perIp.reward(ip)]);
    },
    consumeRegister(ip) {
      return consumeAll([registerPerIp.consume(ip)]);
    },
  };
}
