/**
 * One hold, once it exists: read it, lock it, end it. Ending a hold moves its
 * stock and returns what it freed; the caller decides what happens to the
 * freed units (the use cases offer them to the waitlist).
 *
 * Lock order, everywhere: the reservation row, then the order row, then stock
 * rows (in their global order).
 */
import { type Database, PREPARED_MARK, type ReservationStatus } from '@stockroom/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { insertEvents, type NewEvent, reservationEnded, stockChanged } from '../events/index.js';
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
/** Whether a reservation row is past its expiry (a pending one is then due to expire). */
export const pastExpiry = () => sql<boolean>`expires_at <= now()`;

export async function lockReservation(
  trx: Transaction<Database>,
  id: string,
): Promise<LockedReservation | undefined> {
  return trx
    .selectFrom('reservations')
    .modifyFront(sql.raw(PREPARED_MARK))
    .select(['id', 'status', 'expiresAt', 'holdLimitAt', 'ownerUserId', pastExpiry().as('due')])
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
  return endHolds(trx, [id], to, actor, reason);
}

interface HeldLine extends FreedStock {
  reservationId: string;
  sku: string;
  onHand: number;
  reserved: number;
  version: number;
}

/**
 * End many pending holds at once (the caller holds their reservation rows'
 * locks), in two statements whatever their number: read their lines while
 * locking every level they hold, once, in the global order; then move the
 * stock (one guarded update per level), write one ledger movement and one
 * `stock.changed` event per line, and the holds' status and events. Returns the
 * stock it freed (nothing when confirmed: those units left the shelf).
 */
export async function endHolds(
  trx: Transaction<Database>,
  ids: string[],
  to: 'confirmed' | 'released' | 'expired',
  actor: string,
  reason?: string,
): Promise<FreedStock[]> {
  if (ids.length === 0) return [];
  const locked = await sql<HeldLine>`${sql.raw(PREPARED_MARK)}
    select l.reservation_id, l.warehouse_id, l.product_id, l.quantity, p.sku,
           s.on_hand, s.reserved, s.version
    from reservation_lines l
    join stock_levels s on s.warehouse_id = l.warehouse_id and s.product_id = l.product_id
    join products p on p.id = l.product_id
    where l.reservation_id = any(${ids}::uuid[])
    order by s.warehouse_id, s.product_id
    for no key update of s`.execute(trx);
  const rows = endRows(ids, locked.rows, to, actor, reason ?? null);
  const json = (value: unknown[]) => JSON.stringify(value);
  const written = await sql<{ levels: number }>`${sql.raw(PREPARED_MARK)}
    with levels as (
      update stock_levels s
      set on_hand = s.on_hand + d.on_hand_delta, reserved = s.reserved + d.reserved_delta,
          version = s.version + d.changes, updated_at = now()
      from jsonb_to_recordset(${json(rows.totals)}::jsonb)
        as d(warehouse_id uuid, product_id uuid, on_hand_delta int, reserved_delta int, changes int)
      where s.warehouse_id = d.warehouse_id and s.product_id = d.product_id
        and s.reserved + d.reserved_delta >= 0 and s.on_hand + d.on_hand_delta >= s.reserved + d.reserved_delta
      returning 1
    ),
    moved as (
      insert into stock_movements (warehouse_id, product_id, kind, on_hand_delta, reserved_delta, reason, reference, actor)
      select warehouse_id, product_id, kind, on_hand_delta, reserved_delta, reason, reference, ${actor}
      from jsonb_to_recordset(${json(rows.movements)}::jsonb) as x(
        warehouse_id uuid, product_id uuid, kind text, on_hand_delta int, reserved_delta int,
        reason text, reference text)
    ),
    evented as (${insertEvents(rows.events)}),
    ended as (
      update reservations set status = ${to}, updated_at = now(), ended_at = now()
      where id = any(${ids}::uuid[])
    )
    select (select count(*) from levels)::int as levels`.execute(trx);
  if (written.rows[0]?.levels !== rows.totals.length) {
    // Held stock is counted in `reserved`, which nothing else lowers: this is a bug, not a user error.
    throw new Error(`reservation ${ids.join(', ')}: held stock no longer matches its levels`);
  }
  if (to === 'confirmed') return [];
  return locked.rows.map((l) => ({
    warehouseId: l.warehouseId,
    productId: l.productId,
    quantity: l.quantity,
  }));
}

/** The rows of `endHolds`: per level the totals, per line a movement and an event, per hold its event. */
function endRows(
  ids: string[],
  lines: HeldLine[],
  to: 'confirmed' | 'released' | 'expired',
  actor: string,
  reason: string | null,
) {
  const kind = to === 'confirmed' ? 'confirm' : to === 'released' ? 'release' : 'expire';
  const running = new Map<string, { onHand: number; reserved: number; version: number }>();
  const totals = new Map<
    string,
    {
      warehouse_id: string;
      product_id: string;
      on_hand_delta: number;
      reserved_delta: number;
      changes: number;
    }
  >();
  const byHold = new Map<string, HeldLine[]>(ids.map((id) => [id, []]));
  for (const line of lines) byHold.get(line.reservationId)?.push(line);
  const movements: Record<string, unknown>[] = [];
  const events: NewEvent[] = [];
  for (const [id, held] of byHold) {
    // Lines arrive in the lock order (warehouse, product): each hold's events follow it.
    for (const line of held) {
      const key = `${line.warehouseId}:${line.productId}`;
      const level = running.get(key) ?? {
        onHand: line.onHand,
        reserved: line.reserved,
        version: line.version,
      };
      const onHandDelta = to === 'confirmed' ? -line.quantity : 0;
      level.onHand += onHandDelta;
      level.reserved -= line.quantity;
      level.version += 1;
      running.set(key, level);
      const at = { warehouse_id: line.warehouseId, product_id: line.productId };
      const total = totals.get(key) ?? { ...at, on_hand_delta: 0, reserved_delta: 0, changes: 0 };
      total.on_hand_delta += onHandDelta;
      total.reserved_delta -= line.quantity;
      total.changes += 1;
      totals.set(key, total);
      movements.push({
        ...at,
        kind,
        on_hand_delta: onHandDelta,
        reserved_delta: -line.quantity,
        reason,
        reference: id,
      });
      events.push(
        stockChanged({
          warehouseId: line.warehouseId,
          productId: line.productId,
          sku: line.sku,
          kind,
          onHandDelta,
          reservedDelta: -line.quantity,
          onHand: level.onHand,
          reserved: level.reserved,
          available: level.onHand - level.reserved,
          version: level.version,
          reference: id,
          actor,
        }),
      );
    }
    events.push(reservationEnded(id, to, actor));
  }
  return { totals: [...totals.values()], movements, events };
}
