import { type ReserveInput, type ReserveOptions, reserveOne } from '../holds/index.js';
import { runMutation } from '../idempotency/index.js';
import type { MutationContext } from '../shared/context.js';
import type { Reservation } from '../shared/dto.js';

/**
 * Hold stock, all lines or none, on its own (not batched). The API reserves
 * through the `ReservationCoalescer`, which takes the same step for many
 * requests at once and falls back to this for a request that fails its batch.
 */
export function createReservation(
  ctx: MutationContext,
  input: ReserveInput,
  options: ReserveOptions = {},
): Promise<Reservation> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) =>
    reserveOne(trx, ctx.actor, input, options),
  ).then((r) => r.result);
}
