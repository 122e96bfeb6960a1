/** What a reservation asks for, resolved and summed before any lock is taken. */
import { type RawBuilder, sql } from 'kysely';
import { type DomainError, notFound } from '../shared/errors.js';
import type { DemandLine } from './allocation.js';

/** Units of one product at one warehouse that a hold will take. */
export interface PlannedChange {
  warehouseId: string;
  productId: string;
  sku: string;
  quantity: number;
}

/** What `activeRefsQuery` found: active products by SKU, active warehouse ids. */
export interface ActiveRefs {
  products: Map<string, { id: string; sku: string }>;
  warehouses: Set<string>;
}

/**
 * The active products among `skus` and the active warehouses among
 * `warehouseIds`, as rows (kind 'p' or 'w', id, sku) of a query to use inside a
 * larger statement: a reservation needs both before it takes any lock, and
 * finds them in the round trip that claims its keys.
 */
export function activeRefsQuery(skus: string[], warehouseIds: string[]): RawBuilder<ActiveRefRow> {
  return sql<ActiveRefRow>`
    select 'p' as kind, id, sku from products where sku = any(${[...new Set(skus)]}::text[]) and active
    union all
    select 'w', id, null from warehouses where id = any(${[...new Set(warehouseIds)]}::uuid[]) and active`;
}

export interface ActiveRefRow {
  kind: 'p' | 'w';
  id: string;
  sku: string | null;
}

/** `activeRefsQuery`'s rows, sorted out; `known` products are kept. */
export function activeRefsOf(rows: ActiveRefRow[], known?: ActiveRefs['products']): ActiveRefs {
  const products = new Map(known);
  const warehouses = new Set<string>();
  for (const row of rows) {
    if (row.kind === 'w') warehouses.add(row.id);
    else products.set(row.sku as string, { id: row.id, sku: row.sku as string });
  }
  return { products, warehouses };
}

/** NOT_FOUND naming the unknown or archived SKUs among `skus` (none: undefined). */
export function unknownProducts(skus: string[], found: ActiveRefs['products']): DomainError | undefined {
  const unknown = [...new Set(skus)].filter((s) => !found.has(s));
  if (unknown.length === 0) return undefined;
  return notFound(`Product ${unknown.join(', ')} (unknown or no longer sold)`, { skus: unknown });
}

/** NOT_FOUND naming every unknown or inactive warehouse among `ids` (none: undefined). */
export function inactiveWarehouses(ids: string[], active: Set<string>): DomainError | undefined {
  const missing = [...new Set(ids)].filter((id) => !active.has(id));
  if (missing.length === 0) return undefined;
  return notFound(`Warehouse ${missing.join(', ')}`, { warehouseIds: missing });
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
