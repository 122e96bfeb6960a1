import type { Database, Db } from '@stockroom/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { runMutation } from '../idempotency/idempotency.js';
import { assertCanManageStock } from '../shared/access.js';
import type { Actor } from '../shared/actor.js';
import { actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { decodeCursor } from '../shared/cursor.js';
import { iso, type StockLevel } from '../shared/dto.js';
import { insufficientStock, notFound, validationFailed, versionMismatch } from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import {
  type Page,
  ZCursor,
  ZDelta,
  ZDirection,
  ZIsoDateTime,
  ZLimit,
  ZNonNegativeQuantity,
  ZQuantity,
  ZReason,
  ZSku,
  ZUuid,
  ZVersion,
} from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { offerFreedStock } from '../waitlist/waitlist.js';
import { applyStockChanges, type ChangedLevel, ensureStockLevels, type StockChange } from './stock-change.js';

export const ZStockKey = z.object({ warehouseId: ZUuid, sku: ZSku }).strict();
export const ZReceiveInput = ZStockKey.extend({ quantity: ZQuantity, reason: ZReason.optional() }).strict();
export const ZAdjustInput = ZStockKey.extend({
  delta: ZDelta,
  expectedVersion: ZVersion,
  reason: ZReason,
}).strict();
export const ZSetInput = ZStockKey.extend({
  onHand: ZNonNegativeQuantity,
  expectedVersion: ZVersion.optional(),
  reason: ZReason.optional(),
}).strict();
export const ZSyncInput = z
  .object({
    items: z
      .array(
        z
          .object({
            warehouseId: ZUuid,
            sku: ZSku,
            onHand: ZNonNegativeQuantity,
            countedAt: ZIsoDateTime.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
  })
  .strict();
export const ZInventoryListInput = z
  .object({
    warehouseId: ZUuid.optional(),
    query: z.string().trim().max(100).optional(),
    lowStock: z.boolean().optional(),
    sort: z.enum(['sku', 'available', 'updatedAt']).default('sku'),
    cursor: ZCursor.optional(),
    limit: ZLimit,
    direction: ZDirection,
  })
  .strict();
export const ZMovementsInput = z
  .object({
    warehouseId: ZUuid.optional(),
    sku: ZSku.optional(),
    cursor: ZCursor.optional(),
    limit: ZLimit,
    direction: ZDirection,
  })
  .strict();

export type ReceiveInput = z.input<typeof ZReceiveInput>;
export type AdjustInput = z.input<typeof ZAdjustInput>;
export type SetInput = z.input<typeof ZSetInput>;
export type SyncInput = z.input<typeof ZSyncInput>;
export type InventoryListInput = z.input<typeof ZInventoryListInput>;
export type MovementsInput = z.input<typeof ZMovementsInput>;

export interface Movement {
  id: number;
  warehouseId: string;
  sku: string;
  kind: string;
  onHandDelta: number;
  reservedDelta: number;
  reason: string | null;
  reference: string | null;
  actor: string;
  createdAt: string;
}

export interface SyncResult {
  changed: StockLevel[];
  unchanged: number;
  stale: { warehouseId: string; sku: string }[];
}

export function toStockLevel(level: Omit<ChangedLevel, 'outcome' | 'productId'>): StockLevel {
  return {
    warehouseId: level.warehouseId,
    sku: level.sku,
    onHand: level.onHand,
    reserved: level.reserved,
    available: level.available,
    version: level.version,
    safetyStock: level.safetyStock,
    updatedAt: iso(level.updatedAt),
  };
}

function stockLevelQuery(db: Kysely<Database>) {
  return db
    .selectFrom('stockLevels as s')
    .innerJoin('products as p', 'p.id', 's.productId')
    .select([
      's.warehouseId',
      's.productId',
      'p.sku',
      's.onHand',
      's.reserved',
      's.available',
      's.version',
      's.safetyStock',
      's.updatedAt',
    ]);
}

/** Product ids for SKUs (archived products included: their stock can still be counted). */
export async function resolveSkus(
  db: Kysely<Database>,
  skus: Iterable<string>,
): Promise<Map<string, string>> {
  const unique = [...new Set(skus)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('products').select(['id', 'sku']).where('sku', 'in', unique).execute();
  const bySku = new Map(rows.map((r) => [r.sku, r.id]));
  const unknown = unique.filter((s) => !bySku.has(s));
  if (unknown.length > 0) throw notFound(`Product ${unknown.join(', ')}`, { skus: unknown });
  return bySku;
}

export async function assertWarehousesExist(db: Kysely<Database>, ids: Iterable<string>): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const rows = await db.selectFrom('warehouses').select('id').where('id', 'in', unique).execute();
  const unknown = unique.filter((id) => !rows.some((r) => r.id === id));
  if (unknown.length > 0) throw notFound(`Warehouse ${unknown.join(', ')}`, { warehouseIds: unknown });
}

export async function getStockLevel(
  db: Kysely<Database>,
  input: { warehouseId: string; sku: string },
): Promise<StockLevel> {
  const { warehouseId, sku } = parseInput(ZStockKey, input);
  const row = await stockLevelQuery(db)
    .where('s.warehouseId', '=', warehouseId)
    .where('p.sku', '=', sku)
    .executeTakeFirst();
  if (!row) throw notFound(`Stock of ${sku} at warehouse ${warehouseId}`, { warehouseId, sku });
  return toStockLevel(row);
}

/**
 * Apply one change to one level and return it, or throw the domain error that
 * says why it was refused.
 */
async function changeOne(
  trx: Kysely<Database>,
  actor: Actor,
  input: { warehouseId: string; sku: string },
  change: Omit<StockChange, 'warehouseId' | 'productId'>,
  options: { create: boolean },
): Promise<StockLevel> {
  assertCanManageStock(actor, [input.warehouseId]);
  await assertWarehousesExist(trx, [input.warehouseId]);
  const productId = (await resolveSkus(trx, [input.sku])).get(input.sku) as string;
  if (options.create) await ensureStockLevels(trx, [{ warehouseId: input.warehouseId, productId }]);
  const result = await applyStockChanges(
    trx,
    [{ ...change, warehouseId: input.warehouseId, productId }],
    actorLabel(actor),
  );
  const level = result.levels[0];
  if (!level) throw notFound(`Stock of ${input.sku} at warehouse ${input.warehouseId}`, input);
  if (level.outcome === 'version_mismatch') throw versionMismatch(level.version, toStockLevel(level));
  if (level.outcome === 'insufficient') {
    const requested =
      change.onHandSet !== undefined ? level.onHand - change.onHandSet : -(change.onHandDelta ?? 0);
    throw insufficientStock([
      { sku: level.sku, warehouseId: level.warehouseId, requested, available: level.available },
    ]);
  }
  return toStockLevel(level);
}

/** Goods arrived: on_hand goes up. Creates the level if this warehouse never held the product. */
export async function receiveStockInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: ReceiveInput,
): Promise<StockLevel> {
  const data = parseInput(ZReceiveInput, input);
  const level = await changeOne(
    trx,
    actor,
    data,
    { kind: 'receive', onHandDelta: data.quantity, reason: data.reason ?? null },
    { create: true },
  );
  // Received units go to the oldest waiting buyer first (same transaction).
  const productId = (await resolveSkus(trx, [data.sku])).get(data.sku) as string;
  const offers = await offerFreedStock(trx, [{ warehouseId: data.warehouseId, productId }]);
  return offers > 0 ? getStockLevel(trx, { warehouseId: data.warehouseId, sku: data.sku }) : level;
}

/**
 * A manual correction (damage, found units) against the version the person
 * last saw; a mismatch fails with VERSION_MISMATCH and the current level.
 * Units that are reserved cannot be adjusted away.
 */
export function adjustStockInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: AdjustInput,
): Promise<StockLevel> {
  const data = parseInput(ZAdjustInput, input);
  return changeOne(
    trx,
    actor,
    data,
    {
      kind: 'adjust',
      onHandDelta: data.delta,
      expectedVersion: data.expectedVersion,
      reason: data.reason,
    },
    { create: false },
  );
}

/** A counted absolute on_hand, optionally compare-and-set on the version. */
export function setStockInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: SetInput,
): Promise<StockLevel> {
  const data = parseInput(ZSetInput, input);
  return changeOne(
    trx,
    actor,
    data,
    {
      kind: 'set',
      onHandSet: data.onHand,
      expectedVersion: data.expectedVersion,
      reason: data.reason ?? null,
    },
    { create: data.expectedVersion === undefined },
  );
}

/**
 * A store's bulk count: up to 1000 absolute counts in one transaction. Counts
 * taken before the level's last change are stale and not applied (SPEC §2 rule 4);
 * equal counts are unchanged. A count below what is reserved refuses the whole
 * sync with INSUFFICIENT_STOCK naming every such line.
 */
export async function syncStockInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: SyncInput,
): Promise<SyncResult> {
  const data = parseInput(ZSyncInput, input);
  const keys = new Set<string>();
  for (const item of data.items) {
    const key = `${item.warehouseId}:${item.sku}`;
    if (keys.has(key)) {
      throw validationFailed(`${item.sku} at ${item.warehouseId} appears twice in one sync`, {
        warehouseId: item.warehouseId,
        sku: item.sku,
      });
    }
    keys.add(key);
  }
  assertCanManageStock(actor, new Set(data.items.map((i) => i.warehouseId)));
  {
    await assertWarehousesExist(
      trx,
      data.items.map((i) => i.warehouseId),
    );
    const ids = await resolveSkus(
      trx,
      data.items.map((i) => i.sku),
    );
    const changes: StockChange[] = data.items.map((item) => ({
      warehouseId: item.warehouseId,
      productId: ids.get(item.sku) as string,
      kind: 'sync',
      onHandSet: item.onHand,
      countedAt: item.countedAt,
      reason: 'store sync',
    }));
    await ensureStockLevels(trx, changes);
    const result = await applyStockChanges(trx, changes, actorLabel(actor));
    if (!result.ok) {
      const requested = new Map(data.items.map((i) => [`${i.warehouseId}:${i.sku}`, i.onHand]));
      throw insufficientStock(
        result.levels
          .filter((l) => l.outcome === 'insufficient')
          .map((l) => ({
            sku: l.sku,
            warehouseId: l.warehouseId,
            requested: l.reserved,
            available: requested.get(`${l.warehouseId}:${l.sku}`) ?? 0,
          })),
      );
    }
    return {
      changed: result.levels.filter((l) => l.outcome === 'applied').map(toStockLevel),
      unchanged: result.levels.filter((l) => l.outcome === 'unchanged').length,
      stale: result.levels
        .filter((l) => l.outcome === 'stale')
        .map((l) => ({ warehouseId: l.warehouseId, sku: l.sku })),
    };
  }
}

/** Levels, filtered and paged by a keyset cursor over (sort key, warehouse, product). */
export async function listStockLevels(db: Db, input: InventoryListInput): Promise<Page<StockLevel>> {
  const data = parseInput(ZInventoryListInput, input);
  const sortColumn = { sku: 'p.sku', available: 's.available', updatedAt: 's.updatedAt' } as const;
  const column = sortColumn[data.sort];
  let query = stockLevelQuery(db);
  if (data.warehouseId) query = query.where('s.warehouseId', '=', data.warehouseId);
  if (data.lowStock) query = query.whereRef('s.available', '<=', 's.safetyStock');
  if (data.query) {
    const pattern = `%${data.query.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) =>
      eb.or([eb(sql`lower(p.sku)`, 'like', pattern), eb(sql`lower(p.name)`, 'like', pattern)]),
    );
  }
  if (data.cursor) {
    const keySchema = data.sort === 'available' ? z.number().int() : z.string().max(200);
    const [key, warehouseId, productId] = decodeCursor(data.cursor, z.tuple([keySchema, ZUuid, ZUuid]));
    // updated_at keys travel as PostgreSQL's own text (microseconds; a JS Date would round them).
    const value = data.sort === 'updatedAt' ? sql`${String(key)}::timestamptz` : sql`${key}`;
    query = query.where(
      sql<boolean>`(${sql.ref(column)}, s.warehouse_id, s.product_id) > (${value}, ${warehouseId}::uuid, ${productId}::uuid)`,
    );
  }
  const { rows, nextCursor } = await paginate(
    data.limit,
    (take) =>
      query
        .select(sql<string>`s.updated_at::text`.as('updatedAtKey'))
        .orderBy(column)
        .orderBy('s.warehouseId')
        .orderBy('s.productId')
        .limit(take)
        .execute(),
    (last) => [
      data.sort === 'sku' ? last.sku : data.sort === 'available' ? last.available : last.updatedAtKey,
      last.warehouseId,
      last.productId,
    ],
  );
  return { items: rows.map(toStockLevel), nextCursor };
}

/** The ledger, newest first. */
export async function listMovements(db: Db, input: MovementsInput): Promise<Page<Movement>> {
  const data = parseInput(ZMovementsInput, input);
  let query = db
    .selectFrom('stockMovements as m')
    .innerJoin('products as p', 'p.id', 'm.productId')
    .select([
      'm.id',
      'm.warehouseId',
      'p.sku',
      'm.kind',
      'm.onHandDelta',
      'm.reservedDelta',
      'm.reason',
      'm.reference',
      'm.actor',
      'm.createdAt',
    ]);
  if (data.warehouseId) query = query.where('m.warehouseId', '=', data.warehouseId);
  if (data.sku) query = query.where('p.sku', '=', data.sku);
  if (data.cursor) {
    const [id] = decodeCursor(data.cursor, z.tuple([z.number().int().positive()]));
    query = query.where('m.id', '<', id);
  }
  const { rows, nextCursor } = await paginate(
    data.limit,
    (take) => query.orderBy('m.id', 'desc').limit(take).execute(),
    (last) => [last.id],
  );
  return { items: rows.map((r) => ({ ...r, createdAt: iso(r.createdAt) })), nextCursor };
}

export function receiveStock(ctx: MutationContext, input: ReceiveInput): Promise<StockLevel> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) => receiveStockInTrx(trx, ctx.actor, input)).then(
    (r) => r.result,
  );
}

export function adjustStock(ctx: MutationContext, input: AdjustInput): Promise<StockLevel> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) => adjustStockInTrx(trx, ctx.actor, input)).then(
    (r) => r.result,
  );
}

export function setStock(ctx: MutationContext, input: SetInput): Promise<StockLevel> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) => setStockInTrx(trx, ctx.actor, input)).then(
    (r) => r.result,
  );
}

export function syncStock(ctx: MutationContext, input: SyncInput): Promise<SyncResult> {
  return runMutation(ctx.db, ctx.idempotency, input, (trx) => syncStockInTrx(trx, ctx.actor, input)).then(
    (r) => r.result,
  );
}
