/**
 * The procedure kinds every router builds on. Each one is the same stack of
 * middlewares (see ./middleware), in this order: trace (when exported); then one
 * admission level that observes the call (map, log, count) with the rate limit
 * and a service token's scope, then settles who is asking, and whether what
 * they sent can be stored at all — who is asking is settled before what they
 * sent is judged.
 */

import { telemetryEnabled } from '../telemetry-switch.js';
import { t } from './init.js';
import { admitAnyone, admitSignedIn, type Principal } from './middleware/auth.js';
import { liveStream } from './middleware/live-streams.js';
import { admitWriter } from './middleware/mutation-context.js';
import { traced } from './middleware/tracing.js';

export type { Principal };

/** The span only when spans are exported: a level costs CPU even with the no-op tracer. */
const baseProcedure = telemetryEnabled() ? t.procedure.use(traced) : t.procedure;

/** Anyone, signed in or not. */
export const publicProcedure = baseProcedure.use(admitAnyone);

/** Any signed-in principal. */
export const authedProcedure = baseProcedure.use(admitSignedIn());

/** Only these kinds of principal may call the procedure (SPEC §5). */
export function allow(...allowed: Principal[]) {
  return baseProcedure.use(admitSignedIn(allowed));
}

/** A live subscription these principals may open (counted, and closed when access is lost). */
export function liveFor(...allowed: Principal[]) {
  return allow(...allowed).use(liveStream);
}

/** A mutation these principals may call, with `ctx.mutation` ready for core. */
export function mutationFor(...allowed: Principal[]) {
  return baseProcedure.use(admitWriter(allowed));
}
