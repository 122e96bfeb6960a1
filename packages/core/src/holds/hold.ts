/**
 * One hold, once it exists: read it, lock it, end it. Ending a hold moves its
 * stock and returns what it freed; the caller decides what happens to the
 * freed units (the use cases offer them to the waitlist).
 *
 * Lock order, everywhere: the reservation row, then the order row, then stock
 * rows (in their global order).
 */
import type { Database, ReservationStatus } from '@stockroom/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { appendEvents, reservationEnded } from '../events/index.js';
import { applyStockChanges } from '../ledger/index.js';
import { iso, type Reservation } from '../shared/dto.js';
import { sortLines } from './demand.js';

export async function loadReservation(db: Kysely<Database>, id: string): Promise<Reservation | undefined> {
  const row = await db.selectFrom('reservations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const lines = await db
    .selectFrom('reservationLines as l')
    .innerJoin('products as p', 'p.id', 'l.productId')
    .select(['p.sku', 'l.warehouseId', 'l.quantity'])
    .where('l.reservationId', '=', id)
    .execute();
  return {
    id: row.id,
    status: row.status,
    expiresAt: iso(row.expiresAt),
    reference: row.reference,
    lines: sortLines(lines),
    createdAt: iso(row.createdAt),
  };
}

export interface LockedReservation {
  id: string;
  status: ReservationStatus;
  expiresAt: Date;
  holdLimitAt: Date;
  ownerUserId: string | null;
  /** Pending past its expiry (by the database's clock). */
  due: boolean;
}

/** Lock a reservation row (always before its stock rows: one lock order). */
export async function lockReservation(
  trx: Transaction<Database>,
  id: string,
): Promise<LockedReservation | undefined> {
  return trx
    .selectFrom('reservations')
    .select([
      'id',
      'status',
      'expiresAt',
      'holdLimitAt',
      'ownerUserId',
      sql<boolean>`expires_at <= now()`.as('due'),
    ])
    .where('id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** Units a hold gave back to `available` (nothing when it was confirmed: those left the shelf). */
export interface FreedStock {
  warehouseId: string;
  productId: string;
  quantity: number;
}

/**
 * End a pending hold (the caller holds the reservation's lock): move its stock
 * and status and write the event. Returns the stock it freed.
 */
export async function endHold(
  trx: Transaction<Database>,
  id: string,
  to: 'confirmed' | 'released' | 'expired',
  actor: string,
  /** Why, in the ledger (a release by staff with a reason). */
  reason?: string,
): Promise<FreedStock[]> {
  const lines = await trx
    .selectFrom('reservationLines')
    .select(['warehouseId', 'productId', 'quantity'])
    .where('reservationId', '=', id)
    .execute();
  const kind = to === 'confirmed' ? 'confirm' : to === 'released' ? 'release' : 'expire';
  const result = await applyStockChanges(
    trx,
    lines.map((l) => ({
      warehouseId: l.warehouseId,
      productId: l.productId,
      kind,
      reservedDelta: -l.quantity,
      onHandDelta: to === 'confirmed' ? -l.quantity : 0,
      reference: id,
      reason: reason ?? null,
    })),
    actor,
  );
  if (!result.ok) {
    // Held stock is counted in `reserved`, which nothing else lowers: this is a bug, not a user error.
    throw new Error(`reservation ${id}: held stock no longer matches its levels`);
  }
  await trx
    .updateTable('reservations')
    .set({ status: to, updatedAt: sql`now()`, endedAt: sql`now()` })
    .where('id', '=', id)
    .execute();
  await appendEvents(trx, [reservationEnded(id, to, actor)]);
  return to === 'confirmed' ? [] : lines;
}
