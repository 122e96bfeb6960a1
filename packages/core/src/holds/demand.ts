/** What a reservation asks for, resolved and summed before any lock is taken. */
import type { Database } from '@stockroom/db';
import type { Kysely } from 'kysely';
import { notFound } from '../shared/errors.js';
import type { DemandLine } from './allocation.js';

/** Units of one product at one warehouse that a hold will take. */
export interface PlannedChange {
  warehouseId: string;
  productId: string;
  sku: string;
  quantity: number;
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

/** The ids of every active warehouse among `ids`. */
export async function activeWarehouses(db: Kysely<Database>, ids: string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const rows = await db
    .selectFrom('warehouses')
    .select('id')
    .where('id', 'in', unique)
    .where('active', '=', true)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** NOT_FOUND naming every unknown or inactive warehouse among `ids`. */
export function assertActive(ids: string[], active: Set<string>): void {
  const missing = [...new Set(ids)].filter((id) => !active.has(id));
  if (missing.length > 0) throw notFound(`Warehouse ${missing.join(', ')}`, { warehouseIds: missing });
}

/** The warehouses a request names explicitly. */
export const pinnedWarehouses = (lines: { warehouseId?: string | undefined }[]): string[] =>
  lines.flatMap((l) => (l.warehouseId ? [l.warehouseId] : []));

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

/** One change per (warehouse, product): a pinned line and an allocation at the same level add up. */
export function mergePlan(items: PlannedChange[]): PlannedChange[] {
  const merged = new Map<string, PlannedChange>();
  for (const item of items) {
    const key = `${item.warehouseId}:${item.productId}`;
    const existing = merged.get(key);
    if (existing) existing.quantity += item.quantity;
    else merged.set(key, { ...item });
  }
  return [...merged.values()];
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
