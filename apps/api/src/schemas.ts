/**
 * Output shapes of API.md, as zod schemas: they document the REST/OpenAPI
 * routes and keep what leaves the server to the contract.
 */
import { z } from 'zod';

export const ZStockLevelOut = z.object({
  warehouseId: z.string(),
  sku: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  version: z.number().int(),
  safetyStock: z.number().int(),
  updatedAt: z.string(),
});

export const ZReservationOut = z.object({
  id: z.string(),
  status: z.enum(['pending', 'confirmed', 'released', 'expired']),
  expiresAt: z.string(),
  reference: z.string().nullable(),
  lines: z.array(z.object({ sku: z.string(), warehouseId: z.string(), quantity: z.number().int() })),
  createdAt: z.string(),
});

export const ZSyncOut = z.object({
  changed: z.array(ZStockLevelOut),
  unchanged: z.number().int(),
  stale: z.array(z.object({ warehouseId: z.string(), sku: z.string() })),
});

export const ZProductOut = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
  sellerId: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZProductWithStockOut = ZProductOut.extend({
  stock: z.object({
    total: z.object({ onHand: z.number().int(), reserved: z.number().int(), available: z.number().int() }),
    perWarehouse: z.array(ZStockLevelOut),
  }),
});

export const ZSearchPageOut = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      name: z.string(),
      category: z.string(),
      priceMinor: z.number().int(),
      currency: z.string(),
      onHand: z.number().int(),
      reserved: z.number().int(),
      available: z.number().int(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const ZHealthOut = z.object({ status: z.literal('ok'), now: z.string(), database: z.literal('ok') });
