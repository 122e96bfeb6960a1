/**
 * A hold ends by time: lazily when someone touches it, or by the sweeper. Its
 * unpaid order expires with it and its units are offered to the waitlist, all
 * in the transaction that ends it.
 */
import type { Database, Db } from '@stockroom/db';
import type { Transaction } from 'kysely';
import { endHold, lockReservation } from '../holds/index.js';
import { expireOrderOfReservation } from '../orders/index.js';
import { type Actor, actorLabel, SYSTEM_SWEEPER } from '../shared/actor.js';
import { offerFreedStock } from '../waitlist/index.js';

/**
 * Expire one reservation if it is pending and past its expiry. Returns whether
 * it did. Safe to call from anywhere, any number of times.
 */
export async function expireIfDueInTrx(
  trx: Transaction<Database>,
  id: string,
  actor: Actor = SYSTEM_SWEEPER,
): Promise<boolean> {
  const row = await lockReservation(trx, id);
  if (row?.status !== 'pending' || !row.due) return false;
  // Reservation row, then order row, then stock rows: the global lock order.
  await expireOrderOfReservation(trx, id, actorLabel(actor));
  const freed = await endHold(trx, id, 'expired', actorLabel(actor));
  await offerFreedStock(trx, freed);
  return true;
}

export function expireIfDue(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute((trx) => expireIfDueInTrx(trx, id));
}
