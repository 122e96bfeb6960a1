/** Reading stock: one level, a page of levels, the ledger; SKU and warehouse lookups. */
import type { Database, Db } from '@stockroom/db';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { ChangedLevel } from '../ledger/index.js';
import { assertTokenMayActAt, stockReadableAt } from '../shared/access.js';
import type { Actor } from '../shared/actor.js';
import { decodeCursor } from '../shared/cursor.js';
import { iso, type StockLevel } from '../shared/dto.js';
import { notFound } from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZUuid } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import {
  type InventoryListInput,
  type Movement,
  type MovementsInput,
  ZInventoryListInput,
  ZMovementsInput,
  ZStockKey,
} from './schemas.js';

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
  // One array parameter, not one placeholder per SKU: a bulk sync names a thousand.
  const rows = await db
    .selectFrom('products')
    .select(['id', 'sku'])
    .where(sql<boolean>`sku = any(${unique}::text[])`)
    .execute();
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

/** Matches no warehouse: a token limited to none reads nothing. */
const NO_WAREHOUSE = '00000000-0000-0000-0000-000000000000';

/** One level as a caller reads it: a token limited to other warehouses is refused (FORBIDDEN). */
export async function readStockLevel(
  db: Kysely<Database>,
  actor: Actor,
  input: { warehouseId: string; sku: string },
): Promise<StockLevel> {
  const key = parseInput(ZStockKey, input);
  assertTokenMayActAt(actor, [key.warehouseId]);
  return getStockLevel(db, key);
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

/** Levels, filtered and paged by a keyset cursor over (sort key, warehouse, product). */
export async function listStockLevels(
  db: Db,
  actor: Actor,
  input: InventoryListInput,
): Promise<Page<StockLevel>> {
  const data = parseInput(ZInventoryListInput, input);
  if (data.warehouseId) assertTokenMayActAt(actor, [data.warehouseId]);
  const reach = stockReadableAt(actor);
  const sortColumn = { sku: 'p.sku', available: 's.available', updatedAt: 's.updatedAt' } as const;
  const column = sortColumn[data.sort];
  let query = stockLevelQuery(db);
  if (data.warehouseId) query = query.where('s.warehouseId', '=', data.warehouseId);
  else if (reach) query = query.where('s.warehouseId', 'in', reach.length > 0 ? reach : [NO_WAREHOUSE]);
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
export async function listMovements(db: Db, actor: Actor, input: MovementsInput): Promise<Page<Movement>> {
  const data = parseInput(ZMovementsInput, input);
  if (data.warehouseId) assertTokenMayActAt(actor, [data.warehouseId]);
  const reach = stockReadableAt(actor);
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
  else if (reach) query = query.where('m.warehouseId', 'in', reach.length > 0 ? reach : [NO_WAREHOUSE]);
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
