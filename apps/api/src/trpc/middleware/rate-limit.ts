/** Per-principal request budget (user, service token, or client IP when anonymous). */
import { actorLabel } from '@stockroom/core';
import { MappedError } from '../../errors.js';
import type { Context } from '../init.js';

/** Spend one request of the caller's budget, or refuse with RATE_LIMITED and when to retry. */
export async function withinRequestBudget(ctx: Context): Promise<void> {
  const key = ctx.actor ? actorLabel(ctx.actor) : `ip:${ctx.ip}`;
  const wait = await ctx.services.limits.consumeRequest(key);
  if (wait !== undefined) {
    throw new MappedError({
      appCode: 'RATE_LIMITED',
      message: `Too many requests; retry in ${wait} s`,
      details: { retryAfterSeconds: wait },
      retryAfter: wait,
    });
  }
}
