/**
 * The procedure kinds every router builds on. Each one is the same stack of
 * middlewares (see ./middleware), in this order: trace, observe (map, log,
 * count), rate limit, service scope; then who is asking; then whether what
 * they sent can be stored at all — who is asking is settled before what they
 * sent is judged.
 */

import { t } from './init.js';
import { type Principal, principals, serviceScope, signedIn } from './middleware/auth.js';
import { liveStream } from './middleware/live-streams.js';
import { withMutationContext } from './middleware/mutation-context.js';
import { observed } from './middleware/observation.js';
import { rateLimited } from './middleware/rate-limit.js';
import { storableInput } from './middleware/storable-input.js';
import { traced } from './middleware/tracing.js';
import { warehouseRefs } from './middleware/warehouse-refs.js';

export type { Principal };

const baseProcedure = t.procedure.use(traced).use(observed).use(rateLimited).use(serviceScope);

/** Anyone, signed in or not. */
export const publicProcedure = baseProcedure.use(storableInput).use(warehouseRefs);

/** Any signed-in principal. */
export const authedProcedure = baseProcedure.use(signedIn).use(storableInput).use(warehouseRefs);

/** Only these kinds of principal may call the procedure (SPEC §5). */
export function allow(...allowed: Principal[]) {
  return baseProcedure.use(signedIn).use(principals(allowed)).use(storableInput).use(warehouseRefs);
}

/** A live subscription these principals may open (counted, and closed when access is lost). */
export function liveFor(...allowed: Principal[]) {
  return allow(...allowed).use(liveStream);
}

/** A mutation these principals may call, with `ctx.mutation` ready for core. */
export function mutationFor(...allowed: Principal[]) {
  return allow(...allowed).use(withMutationContext);
}
