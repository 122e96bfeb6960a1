/**
 * A hold ends by time: lazily when someone touches it, or by the sweeper. Its
 * unpaid order expires with it and its units are offered to the waitlist, all
 * in the transaction that ends it.
 */
import type { Database, Db } from '@stockroom/db';
import type { Transaction } from 'kysely';
import { endHolds, lockReservation } from '../holds/index.js';
import { expireOrdersOfReservations } from '../orders/index.js';
import { type Actor, actorLabel, SYSTEM_SWEEPER } from '../shared/actor.js';
import { offerFreedStock } from '../waitlist/index.js';

/**
 * Expire one reservation if it is pending and past its expiry. Returns whether
 * it did. Safe to call from anywhere, any number of times.
 */
async function expireIfDueInTrx(
  trx: Transaction<Database>,
  id: string,
  actor: Actor = SYSTEM_SWEEPER,
): Promise<boolean> {
  const row = await lockReservation(trx, id);
  if (row?.status !== 'pending' || !row.due) return false;
  await expireLockedHolds(trx, [id], actor);
  return true;
}

/**
 * Expire holds whose rows the caller has locked and found pending and due:
 * their unpaid orders, their stock, then the freed units to the waitlist — a
 * handful of statements however many holds. Reservation rows, then order rows,
 * then stock rows: the global lock order.
 */
export async function expireLockedHolds(
  trx: Transaction<Database>,
  ids: string[],
  actor: Actor = SYSTEM_SWEEPER,
): Promise<void> {
  if (ids.length === 0) return;
  await expireOrdersOfReservations(trx, ids, actorLabel(actor));
  const freed = await endHolds(trx, ids, 'expired', actorLabel(actor));
  await offerFreedStock(trx, freed);
}

export function expireIfDue(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute((trx) => expireIfDueInTrx(trx, id));
}
