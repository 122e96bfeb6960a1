/**
 * The waitlist: a buyer waiting for a product (optionally at one warehouse).
 * When stock is received, released or expires, the oldest waiting entry that
 * the freed stock can serve gets a reservation — in the same transaction that
 * freed it, so nobody else can take those units first.
 */
import type { Database, Db } from '@stockroom/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { appendEvents } from '../events/index.js';
import {
  assertBuyerMayWait,
  type BuyerLimits,
  type BuyerUsage,
  buyerCapRefusal,
  buyerLimitsOf,
  buyerUsage,
  reserveOne,
} from '../holds/index.js';
import { runMutation } from '../idempotency/index.js';
import type { Actor } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { decodeCursor } from '../shared/cursor.js';
import { iso } from '../shared/dto.js';
import { forbidden, notFound } from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZCursor, ZDirection, ZLimit, ZSku, ZUuid, ZWarehouseRef } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';

/** How long an offered hold lasts before it returns to everyone (never past BUYER_MAX_HOLD_SECONDS). */
const WAITLIST_HOLD_SECONDS = 3600;

export const ZWaitlistJoinInput = z
  .object({ sku: ZSku, warehouseId: ZWarehouseRef.optional(), quantity: z.number().int().min(1).max(1000) })
  .strict();
export const ZWaitlistListInput = z
  .object({
    sku: ZSku.optional(),
    status: z.enum(['waiting', 'offered', 'cancelled']).optional(),
    cursor: ZCursor.optional(),
    limit: ZLimit,
    direction: ZDirection,
  })
  .strict();

export interface WaitlistEntry {
  id: string;
  buyerId: string;
  /** The buyer's email, for the staff's waitlist view. */
  buyerEmail: string;
  sku: string;
  warehouseId: string | null;
  quantity: number;
  status: 'waiting' | 'offered' | 'cancelled';
  reservationId: string | null;
  createdAt: string;
  offeredAt: string | null;
}

export function entryQuery(db: Kysely<Database>) {
  return db
    .selectFrom('waitlistEntries as e')
    .innerJoin('products as p', 'p.id', 'e.productId')
    .innerJoin('users as u', 'u.id', 'e.buyerId')
    .select([
      'e.id',
      'e.buyerId',
      'u.email as buyerEmail',
      'p.sku',
      'e.warehouseId',
      'e.quantity',
      'e.status',
      'e.reservationId',
      'e.createdAt',
      'e.offeredAt',
    ]);
}

type EntryRow = Awaited<ReturnType<ReturnType<typeof entryQuery>['execute']>>[number];
export const toEntry = (r: EntryRow): WaitlistEntry => ({
  ...r,
  createdAt: iso(r.createdAt),
  offeredAt: r.offeredAt ? iso(r.offeredAt) : null,
});

/** Join the waitlist; a buyer waits on at most BUYER_MAX_WAITLIST_ENTRIES entries at once. */
export function joinWaitlist(
  ctx: MutationContext,
  input: z.input<typeof ZWaitlistJoinInput>,
  options: { buyerLimits?: Partial<BuyerLimits> } = {},
): Promise<WaitlistEntry> {
  const actor = ctx.actor;
  if (actor.kind !== 'user' || actor.role !== 'buyer') throw forbidden('Only buyers join the waitlist');
  const data = parseInput(ZWaitlistJoinInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    await assertBuyerMayWait(trx, buyerLimitsOf(options), actor.id, data.quantity);
    const product = await trx
      .selectFrom('products')
      .select('id')
      .where('sku', '=', data.sku)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!product) throw notFound(`Product ${data.sku}`, { sku: data.sku });
    if (data.warehouseId) {
      const w = await trx
        .selectFrom('warehouses')
        .select('id')
        .where('id', '=', data.warehouseId)
        .executeTakeFirst();
      if (!w) throw notFound('Warehouse', { warehouseId: data.warehouseId });
    }
    const row = await trx
      .insertInto('waitlistEntries')
      .values({
        buyerId: actor.id,
        productId: product.id,
        warehouseId: data.warehouseId ?? null,
        quantity: data.quantity,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        type: 'waitlist.joined',
        aggregateType: 'waitlist',
        aggregateId: row.id,
        payload: {
          id: row.id,
          buyerId: actor.id,
          sku: data.sku,
          warehouseId: data.warehouseId ?? null,
          quantity: data.quantity,
        },
      },
    ]);
    return toEntry(await entryQuery(trx).where('e.id', '=', row.id).executeTakeFirstOrThrow());
  }).then((r) => r.result);
}

/** Staff see every entry; buyers their own. Oldest first. */
export async function listWaitlist(
  db: Db,
  actor: Actor,
  input: z.input<typeof ZWaitlistListInput>,
): Promise<Page<WaitlistEntry>> {
  const data = parseInput(ZWaitlistListInput, input);
  let query = entryQuery(db);
  if (actor.kind === 'user' && actor.role === 'buyer') query = query.where('e.buyerId', '=', actor.id);
  if (data.sku) query = query.where('p.sku', '=', data.sku);
  if (data.status) query = query.where('e.status', '=', data.status);
  if (data.cursor) {
    const [createdAt, id] = decodeCursor(data.cursor, z.tuple([z.string().max(64), ZUuid]));
    query = query.where(sql<boolean>`(e.created_at, e.id) > (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const { rows, nextCursor } = await paginate(
    data.limit,
    (take) =>
      query
        .select(sql<string>`e.created_at::text`.as('createdAtKey'))
        .orderBy('e.createdAt')
        .orderBy('e.id')
        .limit(take)
        .execute(),
    (last) => [last.createdAtKey, last.id],
  );
  return { items: rows.map(({ createdAtKey: _k, ...r }) => toEntry(r)), nextCursor };
}

/** The products among `productIds` that someone is waiting for. */
async function productsWaitedFor(trx: Transaction<Database>, productIds: string[]): Promise<Set<string>> {
  const unique = [...new Set(productIds)];
  if (unique.length === 0) return new Set();
  const rows = await sql<{ productId: string }>`
    select distinct product_id from waitlist_entries
    where status = 'waiting' and product_id = any(${unique}::uuid[])`.execute(trx);
  return new Set(rows.rows.map((r) => r.productId));
}

/**
 * Stock just became available at these levels (the caller holds their locks):
 * offer it to the oldest waiting entry of each product that it can serve.
 */
export async function offerFreedStock(
  trx: Transaction<Database>,
  levels: { warehouseId: string; productId: string }[],
): Promise<number> {
  let offers = 0;
  const seen = new Set<string>();
  // One look for all the levels first: most freed stock has nobody waiting for it.
  const waited = await productsWaitedFor(
    trx,
    levels.map((l) => l.productId),
  );
  for (const level of levels) {
    const key = `${level.warehouseId}:${level.productId}`;
    if (seen.has(key) || !waited.has(level.productId)) continue;
    seen.add(key);
    const entry = await nextServableEntry(trx, level);
    if (!entry) continue;
    await offerTo(trx, entry, level.warehouseId);
    offers++;
  }
  return offers;
}

type WaitingEntry = { id: string; buyerId: string; quantity: number; sku: string };

/**
 * Oldest first. An entry the stock cannot serve yet stops the line (nobody behind it
 * jumps the queue); a buyer already at their caps is passed over and keeps waiting (the
 * offer would be a hold past BUYER_MAX_ACTIVE_HOLDS / _HELD_UNITS).
 */
async function nextServableEntry(
  trx: Transaction<Database>,
  level: { warehouseId: string; productId: string },
): Promise<WaitingEntry | undefined> {
  const waiting = await trx
    .selectFrom('waitlistEntries as e')
    .innerJoin('products as p', 'p.id', 'e.productId')
    .select(['e.id', 'e.buyerId', 'e.quantity', 'p.sku'])
    .where('e.productId', '=', level.productId)
    .where('e.status', '=', 'waiting')
    .where((eb) => eb.or([eb('e.warehouseId', 'is', null), eb('e.warehouseId', '=', level.warehouseId)]))
    .orderBy('e.createdAt')
    .limit(20)
    .forUpdate('e')
    .skipLocked()
    .execute();
  const available = await trx
    .selectFrom('stockLevels')
    .select('available')
    .where('warehouseId', '=', level.warehouseId)
    .where('productId', '=', level.productId)
    .executeTakeFirst();
  for (const candidate of waiting) {
    if (!available || available.available < candidate.quantity) return undefined;
    // Counted without the buyer's lock (stock rows are locked already; taking it
    // now would invert the lock order), so a racing hold of the same buyer may
    // still land: the caps hold to within that one offer.
    const usage = (await buyerUsage(trx, [candidate.buyerId])).get(candidate.buyerId) as BuyerUsage;
    if (buyerCapRefusal(buyerLimitsOf(), usage, candidate.quantity)) continue;
    return candidate;
  }
  return undefined;
}

/** Holds the stock for the entry's buyer and marks the entry offered, with its event. */
async function offerTo(trx: Transaction<Database>, entry: WaitingEntry, warehouseId: string): Promise<void> {
  const buyer: Actor = { kind: 'user', id: entry.buyerId, role: 'buyer', warehouseIds: [] };
  // Made by the system for the buyer, under stock locks already held: not capped
  // (the buyer's waitlist entries are), and it counts against the buyer's later holds.
  const reservation = await reserveOne(
    trx,
    buyer,
    {
      lines: [{ sku: entry.sku, quantity: entry.quantity, warehouseId: warehouseId }],
      ttlSeconds: WAITLIST_HOLD_SECONDS,
      reference: `waitlist:${entry.id}`,
    },
    { onBehalfOfBuyer: true },
  );
  await trx
    .updateTable('waitlistEntries')
    .set({ status: 'offered', reservationId: reservation.id, offeredAt: sql`now()` })
    .where('id', '=', entry.id)
    .execute();
  await appendEvents(trx, [
    {
      type: 'waitlist.offered',
      aggregateType: 'waitlist',
      aggregateId: entry.id,
      payload: {
        id: entry.id,
        buyerId: entry.buyerId,
        sku: entry.sku,
        warehouseId: warehouseId,
        quantity: entry.quantity,
        reservationId: reservation.id,
        expiresAt: reservation.expiresAt,
      },
    },
  ]);
}
