/**
 * Reservations: holds of stock at specific warehouses (SPEC §2, §3).
 *
 * create  — sums lines per product, allocates warehouses, then reserves every
 *           line in one statement that locks rows in global order (all or none).
 * confirm — the hold becomes a sale: on_hand and reserved go down together,
 *           exactly where the stock was held.
 * release — the hold ends early; reserved goes down.
 * expire  — the hold ended by time (sweeper, or lazily when touched).
 * extend  — a pending hold lives longer, up to a bound fixed at creation.
 */
import type { Database, Db, ReservationStatus } from '@stockroom/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { appendEvents } from '../events/outbox.js';
import { runMutation } from '../idempotency/idempotency.js';
import { applyStockChanges, type StockChange } from '../inventory/stock-change.js';
import { expireOrderOfReservation } from '../orders/orders.js';
import { assertTokenMayActAt, tokenMayActAt } from '../shared/access.js';
import { type Actor, actorLabel, SYSTEM_SWEEPER } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { iso, type Reservation } from '../shared/dto.js';
import {
  DomainError,
  forbidden,
  insufficientStock,
  invalidTransition,
  notFound,
  reservationExpired,
  type Shortage,
  validationFailed,
} from '../shared/errors.js';
import { ZLocation, ZQuantity, ZReference, ZSku, ZUuid } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { offerFreedStock } from '../waitlist/waitlist.js';
import { type Allocation, allocate, type Candidate, type DemandLine } from './allocation.js';
import {
  assertBuyerMayHold,
  buyerLimitsOf,
  DEFAULT_TTL_SECONDS,
  holdBounds,
  MAX_HOLD_SECONDS,
  type ReserveOptions,
} from './limits.js';

export { DEFAULT_TTL_SECONDS, holdBounds, MAX_HOLD_SECONDS, type ReserveOptions };

/** How often a reservation re-plans when concurrent buyers took the stock it planned on. */
const MAX_ALLOCATION_ATTEMPTS = 4;

export const ZReserveLine = z
  .object({ sku: ZSku, quantity: ZQuantity, warehouseId: ZUuid.optional() })
  .strict();
export const ZReserveInput = z
  .object({
    lines: z.array(ZReserveLine).min(1).max(100),
    ttlSeconds: z.number().int().min(1).max(MAX_HOLD_SECONDS).optional(),
    shipTo: ZLocation.optional(),
    strategy: z.enum(['nearest', 'most_stock', 'priority']).default('nearest'),
    reference: ZReference.optional(),
  })
  .strict();
export const ZReservationId = z.object({ id: ZUuid }).strict();
export const ZExtendInput = z
  .object({ id: ZUuid, ttlSeconds: z.number().int().min(1).max(MAX_HOLD_SECONDS) })
  .strict();

export type ReserveInput = z.input<typeof ZReserveInput>;
export type ExtendInput = z.input<typeof ZExtendInput>;

// ---------------------------------------------------------------- reading

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

function canRead(actor: Actor, ownerUserId: string | null): boolean {
  if (actor.kind !== 'user') return true;
  return actor.role === 'admin' || actor.role === 'staff' || actor.id === ownerUserId;
}

function canWrite(actor: Actor, ownerUserId: string | null): boolean {
  if (actor.kind !== 'user') return true;
  return actor.role === 'admin' || actor.id === ownerUserId;
}

/** Stock leaves the shelf only through payment or the service: buyers and staff never confirm. */
function canConfirm(actor: Actor): boolean {
  return actor.kind !== 'user' || actor.role === 'admin';
}

/**
 * A hold that belongs to an order is committed only by the order's payment
 * (checkout.paymentSucceeded), exactly once: a direct confirm is refused (409), whatever its state.
 */
async function refuseOrderHold(trx: Kysely<Database>, id: string, status: ReservationStatus): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'number'])
    .where('reservationId', '=', id)
    .executeTakeFirst();
  if (!order) return;
  throw new DomainError(
    'INVALID_TRANSITION',
    `This hold belongs to order ${order.number}; it is committed only by the order's payment, never confirmed directly`,
    { from: status, to: 'confirmed', orderId: order.id },
  );
}

/** A reservation, with lazy expiry applied: a due hold is expired before it is returned. */
export async function getReservation(db: Db, actor: Actor, input: { id: string }): Promise<Reservation> {
  const { id } = parseInput(ZReservationId, input);
  const owner = await db
    .selectFrom('reservations')
    .select('ownerUserId')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!owner) throw notFound(`Reservation ${id}`, { id });
  if (!canRead(actor, owner.ownerUserId)) throw forbidden('This reservation is not yours');
  await expireIfDue(db, id);
  return (await loadReservation(db, id)) as Reservation;
}

// ---------------------------------------------------------------- create

export interface PlannedChange {
  warehouseId: string;
  productId: string;
  sku: string;
  quantity: number;
}

function mergeAllocations(allocations: Allocation[]): PlannedChange[] {
  const merged = new Map<string, PlannedChange>();
  for (const a of allocations) {
    const key = `${a.warehouseId}:${a.productId}`;
    const existing = merged.get(key);
    if (existing) existing.quantity += a.quantity;
    else merged.set(key, { ...a });
  }
  return [...merged.values()];
}

async function loadCandidates(trx: Kysely<Database>, productIds: string[]): Promise<Candidate[]> {
  if (productIds.length === 0) return [];
  return trx
    .selectFrom('stockLevels as s')
    .innerJoin('warehouses as w', 'w.id', 's.warehouseId')
    .select([
      's.warehouseId',
      's.productId',
      's.available',
      'w.latitude',
      'w.longitude',
      'w.priority',
      'w.code',
    ])
    .where('s.productId', 'in', productIds)
    .where('w.active', '=', true)
    .execute();
}

/** Active products by SKU; NOT_FOUND naming every unknown or archived SKU. */
export async function resolveActiveProducts(
  db: Kysely<Database>,
  skus: string[],
): Promise<Map<string, { id: string; sku: string }>> {
  const unique = [...new Set(skus)];
  const rows =
    unique.length === 0
      ? []
      : await db.selectFrom('products').select(['id', 'sku', 'active']).where('sku', 'in', unique).execute();
  const bySku = new Map(rows.filter((r) => r.active).map((r) => [r.sku, { id: r.id, sku: r.sku }]));
  const unknown = unique.filter((s) => !bySku.has(s));
  if (unknown.length > 0) {
    throw notFound(`Product ${unknown.join(', ')} (unknown or no longer sold)`, { skus: unknown });
  }
  return bySku;
}

/** NOT_FOUND naming every unknown or inactive warehouse. */
export async function assertActiveWarehouses(db: Kysely<Database>, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await db
    .selectFrom('warehouses')
    .select('id')
    .where('id', 'in', unique)
    .where('active', '=', true)
    .execute();
  const missing = unique.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw notFound(`Warehouse ${missing.join(', ')}`, { warehouseIds: missing });
}

/**
 * Sum lines naming the same product (and warehouse), so a cart holding one item
 * twice cannot take more than exists: pinned lines per (warehouse, product),
 * open lines (to allocate) per product.
 */
export function sumDemand(
  lines: { sku: string; quantity: number; warehouseId?: string | undefined }[],
  products: Map<string, { id: string }>,
): { pinned: Map<string, PlannedChange>; open: Map<string, DemandLine> } {
  const pinned = new Map<string, PlannedChange>();
  const open = new Map<string, DemandLine>();
  for (const line of lines) {
    const productId = (products.get(line.sku) as { id: string }).id;
    if (line.warehouseId) {
      const key = `${line.warehouseId}:${productId}`;
      const entry = pinned.get(key) ?? {
        warehouseId: line.warehouseId,
        productId,
        sku: line.sku,
        quantity: 0,
      };
      entry.quantity += line.quantity;
      pinned.set(key, entry);
    } else {
      const entry = open.get(productId) ?? { productId, sku: line.sku, quantity: 0 };
      entry.quantity += line.quantity;
      open.set(productId, entry);
    }
  }
  return { pinned, open };
}

/** One order for reservation lines everywhere (sku, then warehouse), so every path answers alike. */
export function sortLines<T extends { sku: string; warehouseId: string }>(lines: T[]): T[] {
  return [...lines].sort((a, b) =>
    a.sku < b.sku
      ? -1
      : a.sku > b.sku
        ? 1
        : a.warehouseId < b.warehouseId
          ? -1
          : a.warehouseId > b.warehouseId
            ? 1
            : 0,
  );
}

export async function createReservationInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: ReserveInput,
  options: ReserveOptions = {},
): Promise<Reservation> {
  const data = parseInput(ZReserveInput, input);
  const { ttlSeconds, maxSeconds, buyerId } = holdBounds(actor, data.ttlSeconds, options);

  // Everything that needs no lock happens first: resolve SKUs and warehouses.
  const products = await resolveActiveProducts(
    trx,
    data.lines.map((l) => l.sku),
  );
  const pinnedIds = data.lines.flatMap((l) => (l.warehouseId ? [l.warehouseId] : []));
  assertTokenMayActAt(actor, pinnedIds);
  await assertActiveWarehouses(trx, pinnedIds);
  const { pinned, open } = sumDemand(data.lines, products);
  // A buyer's caps: the buyer's lock comes before any stock row (the global lock order).
  if (buyerId) {
    const units = data.lines.reduce((sum, l) => sum + l.quantity, 0);
    await assertBuyerMayHold(trx, buyerLimitsOf(options), buyerId, units);
  }

  const id = crypto.randomUUID();
  const label = actorLabel(actor);
  for (let attempt = 1; ; attempt++) {
    let plan: PlannedChange[] = [...pinned.values()];
    if (open.size > 0) {
      const taken = new Map([...pinned].map(([key, p]) => [key, p.quantity]));
      // A token limited to some warehouses allocates only among them.
      const candidates = (await loadCandidates(trx, [...open.keys()])).filter((c) =>
        tokenMayActAt(actor, c.warehouseId),
      );
      const { allocations, shortages } = allocate(
        [...open.values()],
        candidates,
        data.strategy,
        data.shipTo,
        taken,
      );
      if (shortages.length > 0) throw insufficientStock(shortages);
      plan = mergeAllocations([...plan, ...allocations]);
    }

    await sql`savepoint reserve_attempt`.execute(trx);
    // The reservation and its lines need no stock lock: write them first, so the
    // stock rows stay locked only for the final statement and the commit.
    await trx
      .insertInto('reservations')
      .values({
        id,
        expiresAt: sql<Date>`now() + make_interval(secs => ${ttlSeconds})`,
        holdLimitAt: sql<Date>`now() + make_interval(secs => ${maxSeconds})`,
        reference: data.reference ?? null,
        createdBy: label,
        // Buyers own their holds; staff, admins and services act on behalf of others.
        ownerUserId: actor.kind === 'user' && actor.role === 'buyer' ? actor.id : null,
      })
      .execute();
    await trx
      .insertInto('reservationLines')
      .values(
        plan.map((p) => ({
          reservationId: id,
          warehouseId: p.warehouseId,
          productId: p.productId,
          quantity: p.quantity,
        })),
      )
      .execute();
    await appendEvents(trx, [
      {
        type: 'reservation.created',
        aggregateType: 'reservation',
        aggregateId: id,
        payload: {
          id,
          reference: data.reference ?? null,
          lines: plan.map((p) => ({ sku: p.sku, warehouseId: p.warehouseId, quantity: p.quantity })),
          actor: label,
        },
      },
    ]);
    const changes: StockChange[] = plan.map((p) => ({
      warehouseId: p.warehouseId,
      productId: p.productId,
      kind: 'reserve',
      reservedDelta: p.quantity,
      minAvailable: p.quantity,
      reference: id,
    }));
    const result = await applyStockChanges(trx, changes, label);
    if (result.ok) {
      await sql`release savepoint reserve_attempt`.execute(trx);
      break;
    }
    // Someone took the stock between our read and our lock. Undo this attempt
    // (which also releases its row locks) and plan again from fresh figures.
    await sql`rollback to savepoint reserve_attempt`.execute(trx);
    if (open.size === 0 || attempt >= MAX_ALLOCATION_ATTEMPTS) {
      throw insufficientStock(shortagesOf(plan, result.levels, result.missing, open.size > 0));
    }
  }
  return (await loadReservation(trx, id)) as Reservation;
}

function shortagesOf(
  plan: PlannedChange[],
  levels: { warehouseId: string; productId: string; available: number; outcome: string }[],
  missing: StockChange[],
  allocated: boolean,
): Shortage[] {
  const shortages: Shortage[] = [];
  for (const p of plan) {
    const level = levels.find((l) => l.warehouseId === p.warehouseId && l.productId === p.productId);
    const isMissing = missing.some((m) => m.warehouseId === p.warehouseId && m.productId === p.productId);
    if (isMissing || level?.outcome === 'insufficient') {
      shortages.push({
        sku: p.sku,
        ...(allocated ? {} : { warehouseId: p.warehouseId }),
        requested: p.quantity,
        available: level?.available ?? 0,
      });
    }
  }
  return shortages;
}

export function createReservation(
  ctx: MutationContext,
  input: ReserveInput,
  options: ReserveOptions = {},
): Promise<Reservation> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) =>
    createReservationInTrx(trx, ctx.actor, input, options),
  ).then((r) => r.result);
}

// ---------------------------------------------------------------- state changes

interface LockedReservation {
  id: string;
  status: ReservationStatus;
  expiresAt: Date;
  holdLimitAt: Date;
  ownerUserId: string | null;
  due: boolean;
}

/** Lock a reservation row (always before its stock rows: one lock order). */
export async function lockReservation(
  trx: Kysely<Database>,
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

/**
 * End a pending hold (the caller holds the reservation's lock): move its stock
 * and status, write the event, and offer freed stock to the waitlist.
 */
export async function endHold(
  trx: Transaction<Database>,
  id: string,
  to: 'confirmed' | 'released' | 'expired',
  actor: string,
): Promise<void> {
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
  await appendEvents(trx, [
    { type: `reservation.${to}`, aggregateType: 'reservation', aggregateId: id, payload: { id, actor } },
  ]);
  if (to !== 'confirmed') await offerFreedStock(trx, lines);
}

/**
 * Expire one reservation if it is pending and past its expiry. Returns whether
 * it did. Safe to call from anywhere, any number of times.
 */
export async function expireIfDueInTrx(
  trx: Transaction<Database>,
  id: string,
  actor: Actor = SYSTEM_SWEEPER,
) {
  const row = await lockReservation(trx, id);
  if (row?.status !== 'pending' || !row.due) return false;
  // Reservation row, then order row, then stock rows: the global lock order.
  await expireOrderOfReservation(trx, id, actorLabel(actor));
  await endHold(trx, id, 'expired', actorLabel(actor));
  return true;
}

export function expireIfDue(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute((trx) => expireIfDueInTrx(trx, id));
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

async function transition(
  ctx: MutationContext,
  input: { id: string },
  to: 'confirmed' | 'released',
): Promise<Reservation> {
  const { id } = parseInput(ZReservationId, input);
  if (to === 'confirmed' && !canConfirm(ctx.actor)) {
    throw forbidden('Only the checkout service or an admin confirms a hold; a buyer pays through checkout');
  }
  // Lazy expiry first, committed on its own: touching a due hold ends it even
  // though this call then fails.
  await expireIfDue(ctx.db, id);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const row = await lockReservation(trx, id);
    if (!row) throw notFound(`Reservation ${id}`, { id });
    if (!canWrite(ctx.actor, row.ownerUserId)) throw forbidden('This reservation is not yours');
    if (to === 'confirmed') await refuseOrderHold(trx, id, row.status);
    await assertTokenMayActOnHold(trx, ctx.actor, id);
    if (row.status === to) return (await loadReservation(trx, id)) as Reservation;
    if (row.status === 'expired' || (row.status === 'pending' && row.due)) {
      if (to === 'released') return (await loadReservation(trx, id)) as Reservation;
      throw reservationExpired(id, iso(row.expiresAt));
    }
    if (row.status !== 'pending') throw invalidTransition('reservation', row.status, to);
    await endHold(trx, id, to, actorLabel(ctx.actor));
    return (await loadReservation(trx, id)) as Reservation;
  }).then((r) => r.result);
}

/** Payment taken: the held units leave stock, at the warehouses that held them. */
export const confirmReservation = (ctx: MutationContext, input: { id: string }) =>
  transition(ctx, input, 'confirmed');

/** The hold is no longer wanted: its units become available again. */
export const releaseReservation = (ctx: MutationContext, input: { id: string }) =>
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
    await appendEvents(trx, [
      {
        type: 'reservation.extended',
        aggregateType: 'reservation',
        aggregateId: data.id,
        payload: { id: data.id, expiresAt: iso(updated.expiresAt), actor: actorLabel(ctx.actor) },
      },
    ]);
    return (await loadReservation(trx, data.id)) as Reservation;
  }).then((r) => r.result);
}
