/**
 * What a stock count (a CSV of `warehouse code, sku, on hand, counted at`)
 * would do if applied with `inventory.sync`, row by row, before anything is
 * written: changed (from → to), unchanged, stale (counted before the level's
 * last change, which sync skips: SPEC §2 rule 4, the same predicate as the
 * ledger's judge), or invalid with the reason (unknown warehouse or SKU, not
 * the caller's warehouse, a count below what is held, a duplicate row, a value
 * sync would refuse). Reads only; the caller then applies the valid rows.
 */
import type { Db } from '@stockroom/db';
import { z } from 'zod';
import { canManageWarehouseStock, tokenMayActAt } from '../shared/access.js';
import type { Actor } from '../shared/actor.js';
import { ZIsoDateTime, ZNonNegativeQuantity, ZObservedAt, ZSku, ZUuid } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';

/** Rows arrive as typed in a file: checked here one by one, not refused as a whole. */
export const ZSyncPreviewInput = z
  .object({
    rows: z
      .array(
        z
          .object({
            warehouse: z.string().max(100),
            sku: z.string().max(100),
            onHand: z.number(),
            countedAt: z.string().max(100).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();
export type SyncPreviewInput = z.input<typeof ZSyncPreviewInput>;

const STATUSES = ['changed', 'unchanged', 'stale', 'invalid'] as const;
export const ZSyncPreview = z.object({
  rows: z.array(
    z.object({
      row: z.number().int(),
      warehouse: z.string(),
      warehouseId: z.string().uuid().nullable(),
      sku: z.string(),
      onHand: z.number(),
      countedAt: z.string().nullable(),
      status: z.enum(STATUSES),
      reason: z.string().nullable(),
      current: z
        .object({ onHand: z.number().int(), reserved: z.number().int(), updatedAt: z.string() })
        .nullable(),
    }),
  ),
  counts: z.object(
    Object.fromEntries(STATUSES.map((s) => [s, z.number().int()])) as Record<
      (typeof STATUSES)[number],
      z.ZodNumber
    >,
  ),
});
export type SyncPreview = z.infer<typeof ZSyncPreview>;
type PreviewRow = SyncPreview['rows'][number];

async function lookups(db: Db, rows: SyncPreviewInput['rows']) {
  const refs = [...new Set(rows.map((r) => r.warehouse.trim()))];
  const warehouses = await db
    .selectFrom('warehouses')
    .select(['id', 'code'])
    .where((eb) =>
      eb.or([
        eb('code', 'in', refs),
        eb('id', 'in', refs.filter((r) => ZUuid.safeParse(r).success).concat(ZERO)),
      ]),
    )
    .execute();
  const warehouseOf = new Map<string, string>();
  for (const w of warehouses) warehouseOf.set(w.code, w.id).set(w.id, w.id);
  const skus = [...new Set(rows.map((r) => r.sku.trim()))];
  const levels = await db
    .selectFrom('products as p')
    .leftJoin('stockLevels as s', (join) =>
      join
        .onRef('s.productId', '=', 'p.id')
        .on('s.warehouseId', 'in', [...new Set(warehouseOf.values()), ZERO]),
    )
    .select(['p.sku', 's.warehouseId', 's.onHand', 's.reserved', 's.updatedAt'])
    .where('p.sku', 'in', skus)
    .execute();
  const products = new Set(levels.map((l) => l.sku));
  const levelOf = new Map(levels.filter((l) => l.warehouseId).map((l) => [`${l.warehouseId}:${l.sku}`, l]));
  return { warehouseOf, products, levelOf };
}
const ZERO = '00000000-0000-0000-0000-000000000000';

export async function previewSync(db: Db, actor: Actor, input: SyncPreviewInput): Promise<SyncPreview> {
  const { rows } = parseInput(ZSyncPreviewInput, input);
  const { warehouseOf, products, levelOf } = await lookups(db, rows);
  const seen = new Set<string>();
  const judged = rows.map((r, i): PreviewRow => {
    const warehouseId = warehouseOf.get(r.warehouse.trim()) ?? null;
    const sku = r.sku.trim();
    const key = `${warehouseId}:${sku}`;
    const level = levelOf.get(key);
    const base = {
      row: i + 1,
      warehouse: r.warehouse,
      warehouseId,
      sku,
      onHand: r.onHand,
      countedAt: r.countedAt ?? null,
      current:
        level?.onHand == null
          ? null
          : {
              onHand: level.onHand,
              reserved: level.reserved ?? 0,
              updatedAt: (level.updatedAt as Date).toISOString(),
            },
    };
    const invalid = (reason: string): PreviewRow => ({ ...base, status: 'invalid', reason });
    if (!warehouseId) return invalid(`unknown warehouse "${r.warehouse}"`);
    if (!canManageWarehouseStock(actor, warehouseId)) {
      // Staff read every warehouse's stock; a limited token does not see another's figures.
      const refused = invalid(`not one of your warehouses (${r.warehouse})`);
      return tokenMayActAt(actor, warehouseId) ? refused : { ...refused, current: null };
    }
    if (!ZSku.safeParse(sku).success || !products.has(sku)) return invalid(`unknown SKU "${r.sku}"`);
    if (!ZNonNegativeQuantity.safeParse(r.onHand).success)
      return invalid('on hand must be a whole number ≥ 0');
    if (r.countedAt !== undefined && !ZIsoDateTime.safeParse(r.countedAt).success) {
      return invalid('counted at must be an ISO date-time with an offset (2026-12-04T08:00:00Z)');
    }
    if (r.countedAt !== undefined && !ZObservedAt.safeParse(r.countedAt).success) {
      return invalid('counted at is in the future (check the store’s clock)');
    }
    if (seen.has(key)) return invalid('the same warehouse and SKU appear earlier in the file');
    seen.add(key);
    if (level?.onHand == null)
      return { ...base, status: r.onHand === 0 ? 'unchanged' : 'changed', reason: null };
    if (r.countedAt !== undefined && new Date(r.countedAt) < (level.updatedAt as Date)) {
      return { ...base, status: 'stale', reason: 'counted before the last change of this level' };
    }
    if (r.onHand < (level.reserved ?? 0)) return invalid(`below the ${level.reserved} units held`);
    return { ...base, status: r.onHand === level.onHand ? 'unchanged' : 'changed', reason: null };
  });
  const counts = Object.fromEntries(STATUSES.map((s) => [s, judged.filter((r) => r.status === s).length]));
  return { rows: judged, counts: counts as SyncPreview['counts'] };
}
