/**
 * A live subscription is counted per principal (at most
 * SSE_STREAMS_PER_PRINCIPAL at once) and registered so it is closed when the
 * principal loses access (see auth/live-streams.ts).
 */
import { MappedError } from '../../errors.js';
import { t } from '../init.js';

export const liveStream = t.middleware(({ ctx, next }) => {
  if (ctx.response && ctx.token && ctx.actor) {
    const opened = ctx.services.streams.open({
      token: ctx.token,
      actor: ctx.actor,
      response: ctx.response,
    });
    if (!opened) {
      const limit = ctx.services.env.SSE_STREAMS_PER_PRINCIPAL;
      throw new MappedError({
        appCode: 'RATE_LIMITED',
        message: `At most ${limit} live streams may be open at once; close one first`,
        details: { limit, retryAfterSeconds: 5 },
        retryAfter: 5,
      });
    }
  }
  return next();
});
