import { z } from 'zod';
import { ZLocation, ZQuantity, ZReference, ZSku, ZWarehouseRef } from '../shared/schemas.js';
import { MAX_HOLD_SECONDS } from './limits.js';

const ZReserveLine = z
  .object({ sku: ZSku, quantity: ZQuantity, warehouseId: ZWarehouseRef.optional() })
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

export type ReserveInput = z.input<typeof ZReserveInput>;
/** A reservation request after validation (defaults applied). */
export type ReserveData = z.output<typeof ZReserveInput>;
