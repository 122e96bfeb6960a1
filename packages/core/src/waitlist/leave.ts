/**
 * A buyer leaves the waitlist: a waiting entry is cancelled; an offered one is
 * cancelled and its hold released (the units go to the next in line), unless
 * the hold already became an order (then the order decides). Another buyer's
 * entry is NOT_FOUND, exactly as an entry that does not exist: nothing says it does.
 */
import { z } from 'zod';
import { appendEvents } from '../events/index.js';
import { endHold, lockReservation } from '../holds/index.js';
import { runMutation } from '../idempotency/index.js';
import { actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { forbidden, notFound } from '../shared/errors.js';
import { ZUuid } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { entryQuery, offerFreedStock, toEntry, type WaitlistEntry } from './waitlist.js';

export const ZWaitlistLeaveInput = z.object({ id: ZUuid }).strict();

export async function leaveWaitlist(
  ctx: MutationContext,
  input: z.input<typeof ZWaitlistLeaveInput>,
): Promise<WaitlistEntry> {
  const actor = ctx.actor;
  if (actor.kind !== 'user' || actor.role !== 'buyer') throw forbidden('Only buyers leave the waitlist');
  const { id } = parseInput(ZWaitlistLeaveInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    // Lock order: the entry, then its reservation, then stock (an offer takes
    // entries with SKIP LOCKED, so it never waits on this one).
    const entry = await trx
      .selectFrom('waitlistEntries')
      .select(['id', 'buyerId', 'status', 'reservationId'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!entry || entry.buyerId !== actor.id) throw notFound(`Waitlist entry ${id}`, { id });
    if (entry.status !== 'cancelled') {
      let released: string | null = null;
      if (entry.status === 'offered' && entry.reservationId) {
        released = await releaseOffer(trx, entry.reservationId, actorLabel(actor));
      }
      await trx.updateTable('waitlistEntries').set({ status: 'cancelled' }).where('id', '=', id).execute();
      await appendEvents(trx, [
        {
          type: 'waitlist.left',
          aggregateType: 'waitlist',
          aggregateId: id,
          payload: { id, buyerId: actor.id, from: entry.status, releasedReservationId: released },
        },
      ]);
    }
    return toEntry(await entryQuery(trx).where('e.id', '=', id).executeTakeFirstOrThrow());
  }).then((r) => r.result);
}

/** Release the offered hold if it is still pending and not an order's; returns its id when released. */
async function releaseOffer(
  trx: Parameters<typeof lockReservation>[0],
  reservationId: string,
  actor: string,
): Promise<string | null> {
  const hold = await lockReservation(trx, reservationId);
  if (hold?.status !== 'pending') return null;
  const order = await trx
    .selectFrom('orders')
    .select('id')
    .where('reservationId', '=', reservationId)
    .executeTakeFirst();
  if (order) return null;
  // A due hold is expired rather than released: it ended by time.
  const freed = await endHold(
    trx,
    reservationId,
    hold.due ? 'expired' : 'released',
    actor,
    'left the waitlist',
  );
  await offerFreedStock(trx, freed);
  return reservationId;
}
