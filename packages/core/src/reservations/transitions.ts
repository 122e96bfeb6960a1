/**
 * A hold's life after creation (SPEC §2): read it, confirm it (the units are
 * sold), release it (they return), extend it (up to a bound fixed at creation).
 * Touching a due hold expires it first.
 */
import type { Database, Db, ReservationStatus } from '@stockroom/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { appendEvents, reservationExtended } from '../events/index.js';
import {
  endHold,
  holdBounds,
  loadReservation,
  lockReservation,
  pastExpiry,
  type ReserveOptions,
} from '../holds/index.js';
import { runMutation } from '../idempotency/index.js';
import { assertTokenMayActAt } from '../shared/access.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { iso, type Reservation } from '../shared/dto.js';
import {
  DomainError,
  forbidden,
  invalidTransition,
  notFound,
  reservationExpired,
  validationFailed,
} from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import { offerFreedStock } from '../waitlist/index.js';
import { expireIfDue } from './expiry.js';
import {
  type ExtendInput,
  type ReleaseInput,
  ZExtendInput,
  ZReleaseInput,
  ZReservationId,
} from './schemas.js';

function canRead(actor: Actor, ownerUserId: string | null): boolean {
  if (actor.kind !== 'user') return true;
  return actor.role === 'admin' || actor.role === 'staff' || actor.id === ownerUserId;
}

/** Owners, admins and the service change a hold; staff may also release one (at their warehouses). */
function canWrite(actor: Actor, ownerUserId: string | null, to?: 'confirmed' | 'released'): boolean {
  if (actor.kind !== 'user') return true;
  if (to === 'released' && actor.role === 'staff') return true;
  return actor.role === 'admin' || actor.id === ownerUserId;
}

/** Stock leaves the shelf only through payment or the service: buyers and staff never confirm. */
function canConfirm(actor: Actor): boolean {
  return actor.kind !== 'user' || actor.role === 'admin';
}

/**
 * A hold that belongs to an order follows its order: it is committed only by the
 * order's payment (checkout.paymentSucceeded), exactly once, and ended only by the
 * order's expiry or cancellation — never confirmed or released on its own (409): a
 * released order hold would leave an unpaid order holding nothing, and free the
 * buyer's cap for another.
 */
async function refuseOrderHold(
  trx: Transaction<Database>,
  id: string,
  status: ReservationStatus,
  to: 'confirmed' | 'released',
): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'number'])
    .where('reservationId', '=', id)
    .executeTakeFirst();
  if (!order) return;
  throw new DomainError(
    'INVALID_TRANSITION',
    to === 'confirmed'
      ? `This hold belongs to order ${order.number}; it is committed only by the order's payment, never confirmed directly`
      : `This hold belongs to order ${order.number}; cancel the order (orders.cancel) to release it`,
    { from: status, to, orderId: order.id },
  );
}

/** A reservation, with lazy expiry applied: a due hold is expired before it is returned. */
export async function getReservation(db: Db, actor: Actor, input: { id: string }): Promise<Reservation> {
  const { id } = parseInput(ZReservationId, input);
  const owner = await db
    .selectFrom('reservations')
    .select(['ownerUserId', 'status', pastExpiry().as('due')])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!owner) throw notFound(`Reservation ${id}`, { id });
  if (!canRead(actor, owner.ownerUserId)) throw forbidden('This reservation is not yours');
  // Only a hold seen due opens the transaction that expires it (which looks again, under its lock).
  if (owner.status === 'pending' && owner.due) await expireIfDue(db, id);
  const reservation = (await loadReservation(db, id)) as Reservation;
  // A service token limited to warehouses reads only holds with a line there.
  if (actor.kind === 'service' && actor.warehouseIds) {
    const mine = new Set(actor.warehouseIds);
    if (!reservation.lines.some((l) => mine.has(l.warehouseId))) {
      throw forbidden('This token may not read holds at these warehouses');
    }
  }
  return reservation;
}

/** A token limited to some warehouses acts only on holds entirely at its warehouses. */
async function assertTokenMayActOnHold(trx: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  if (actor.kind !== 'service' || actor.warehouseIds === null) return;
  const lines = await trx
    .selectFrom('reservationLines')
    .select('warehouseId')
    .where('reservationId', '=', id)
    .execute();
  assertTokenMayActAt(
    actor,
    lines.map((l) => l.warehouseId),
  );
}

/**
 * Staff release holds at their own warehouses (a stuck hold, with a reason):
 * every line of the hold must be at one of them.
 */
async function assertStaffMayRelease(trx: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  if (actor.kind !== 'user' || actor.role !== 'staff') return;
  const lines = await trx
    .selectFrom('reservationLines')
    .select('warehouseId')
    .where('reservationId', '=', id)
    .execute();
  const mine = new Set(actor.warehouseIds);
  const other = lines.find((l) => !mine.has(l.warehouseId));
  if (other) throw forbidden(`You can only release holds at your own warehouses (not ${other.warehouseId})`);
}

async function transition(
  ctx: MutationContext,
  input: ReleaseInput,
  to: 'confirmed' | 'released',
): Promise<Reservation> {
  const { id, reason } =
    to === 'released'
      ? parseInput(ZReleaseInput, input)
      : { ...parseInput(ZReservationId, input), reason: undefined };
  if (to === 'confirmed' && !canConfirm(ctx.actor)) {
    throw forbidden('Only the checkout service or an admin confirms a hold; a buyer pays through checkout');
  }
  // Lazy expiry first, committed on its own: touching a due hold ends it even
  // though this call then fails.
  await expireIfDue(ctx.db, id);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const row = await lockReservation(trx, id);
    if (!row) throw notFound(`Reservation ${id}`, { id });
    if (!canWrite(ctx.actor, row.ownerUserId, to)) throw forbidden('This reservation is not yours');
    if (to === 'released') await assertStaffMayRelease(trx, ctx.actor, id);
    await refuseOrderHold(trx, id, row.status, to);
    await assertTokenMayActOnHold(trx, ctx.actor, id);
    if (row.status === to) return (await loadReservation(trx, id)) as Reservation;
    if (row.status === 'expired' || (row.status === 'pending' && row.due)) {
      if (to === 'released') return (await loadReservation(trx, id)) as Reservation;
      throw reservationExpired(id, iso(row.expiresAt));
    }
    if (row.status !== 'pending') throw invalidTransition('reservation', row.status, to);
    const freed = await endHold(trx, id, to, actorLabel(ctx.actor), reason);
    await offerFreedStock(trx, freed);
    return (await loadReservation(trx, id)) as Reservation;
  }).then((r) => r.result);
}

/** Payment taken: the held units leave stock, at the warehouses that held them. */
export const confirmReservation = (ctx: MutationContext, input: { id: string }) =>
  transition(ctx, input, 'confirmed');

/** The hold is no longer wanted: its units become available again. */
export const releaseReservation = (ctx: MutationContext, input: ReleaseInput) =>
  transition(ctx, input, 'released');

/**
 * Give a pending hold `ttlSeconds` more from now, never past MAX_HOLD_SECONDS
 * after creation (a buyer: BUYER_MAX_HOLD_SECONDS).
 */
export async function extendReservation(
  ctx: MutationContext,
  input: ExtendInput,
  options: ReserveOptions = {},
): Promise<Reservation> {
  const data = parseInput(ZExtendInput, input);
  const { maxSeconds } = holdBounds(ctx.actor, data.ttlSeconds, options);
  await expireIfDue(ctx.db, data.id);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const row = await lockReservation(trx, data.id);
    if (!row) throw notFound(`Reservation ${data.id}`, { id: data.id });
    if (!canWrite(ctx.actor, row.ownerUserId)) throw forbidden('This reservation is not yours');
    await assertTokenMayActOnHold(trx, ctx.actor, data.id);
    if (row.status === 'expired' || (row.status === 'pending' && row.due)) {
      throw reservationExpired(data.id, iso(row.expiresAt));
    }
    if (row.status !== 'pending') throw invalidTransition('reservation', row.status, 'pending');
    const updated = await trx
      .updateTable('reservations')
      .set({ expiresAt: sql`now() + make_interval(secs => ${data.ttlSeconds})`, updatedAt: sql`now()` })
      .where('id', '=', data.id)
      .where(
        sql<boolean>`now() + make_interval(secs => ${data.ttlSeconds})
          <= least(hold_limit_at, created_at + make_interval(secs => ${maxSeconds}))`,
      )
      .returning('expiresAt')
      .executeTakeFirst();
    if (!updated) {
      const limit = await trx
        .selectFrom('reservations')
        .select(sql<Date>`least(hold_limit_at, created_at + make_interval(secs => ${maxSeconds}))`.as('at'))
        .where('id', '=', data.id)
        .executeTakeFirstOrThrow();
      throw validationFailed(`A hold cannot last past ${iso(limit.at)}; ask for a shorter extension`, {
        field: 'ttlSeconds',
        holdLimitAt: iso(limit.at),
      });
    }
    await appendEvents(trx, [reservationExtended(data.id, iso(updated.expiresAt), actorLabel(ctx.actor))]);
    return (await loadReservation(trx, data.id)) as Reservation;
  }).then((r) => r.result);
}
