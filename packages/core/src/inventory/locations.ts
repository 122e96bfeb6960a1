/**
 * Bin locations: where a product sits in a warehouse (`A-03-2`), used to order
 * pick lists. Set by the staff of that warehouse (or an admin, or a service
 * token with stock:write at it); not a stock change, so no movement is written.
 * Idempotent by nature (setting the same location twice is the same state).
 */
import { z } from 'zod';
import { runMutation } from '../idempotency/index.js';
import { ensureStockLevels } from '../ledger/index.js';
import { assertCanManageStock } from '../shared/access.js';
import type { MutationContext } from '../shared/context.js';
import { parseInput } from '../shared/validate.js';
import { assertWarehousesExist, resolveSkus } from './queries.js';
import { ZStockKey } from './schemas.js';

export const ZSetLocationInput = ZStockKey.extend({
  location: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u, 'letters, digits, space, . _ / - only')
    .nullable(),
}).strict();
export type SetLocationInput = z.input<typeof ZSetLocationInput>;
export const ZLocationOut = z.object({
  warehouseId: z.string().uuid(),
  sku: z.string(),
  location: z.string().nullable(),
});

export async function setLocation(
  ctx: MutationContext,
  input: SetLocationInput,
): Promise<z.infer<typeof ZLocationOut>> {
  const data = parseInput(ZSetLocationInput, input);
  assertCanManageStock(ctx.actor, [data.warehouseId]);
  const { result } = await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    await assertWarehousesExist(trx, [data.warehouseId]);
    const productId = (await resolveSkus(trx, [data.sku])).get(data.sku) as string;
    await ensureStockLevels(trx, [{ warehouseId: data.warehouseId, productId }]);
    await trx
      .updateTable('stockLevels')
      .set({ location: data.location })
      .where('warehouseId', '=', data.warehouseId)
      .where('productId', '=', productId)
      .execute();
    return { warehouseId: data.warehouseId, sku: data.sku, location: data.location };
  });
  return result;
}
