import { z } from 'zod';
import type { StockLevel } from '../shared/dto.js';
import {
  ZCursor,
  ZDelta,
  ZDirection,
  ZLimit,
  ZNonNegativeQuantity,
  ZObservedAt,
  ZQuantity,
  ZReason,
  ZSku,
  ZVersion,
  ZWarehouseRef,
} from '../shared/schemas.js';
export const ZStockKey = z.object({ warehouseId: ZWarehouseRef, sku: ZSku }).strict();
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
            warehouseId: ZWarehouseRef,
            sku: ZSku,
            onHand: ZNonNegativeQuantity,
            countedAt: ZObservedAt.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
  })
  .strict();
export const ZInventoryListInput = z
  .object({
    warehouseId: ZWarehouseRef.optional(),
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
    warehouseId: ZWarehouseRef.optional(),
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
