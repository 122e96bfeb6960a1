import {
  adjustStock,
  getStockLevel,
  listMovements,
  listStockLevels,
  receiveStock,
  setStock,
  syncStock,
  ZAdjustInput,
  ZInventoryListInput,
  ZMovementsInput,
  ZReceiveInput,
  ZSetInput,
  ZStockKey,
  ZSyncInput,
} from '@stockroom/core';
import { ZStockLevelOut, ZSyncOut } from '../schemas.js';
import { allow, mutationFor, router, splitKey, withIdempotencyKey } from '../trpc.js';

const stockPath = '/stock/{warehouseId}/{sku}';

export const inventoryRouter = router({
  get: allow('staff', 'admin', 'service')
    .meta({
      scope: 'stock:read',
      openapi: { method: 'GET', path: stockPath, tags: ['stock'], summary: 'One stock level', protect: true },
    })
    .input(ZStockKey)
    .output(ZStockLevelOut)
    .query(({ ctx, input }) => getStockLevel(ctx.db, input)),
  list: allow('staff', 'admin', 'service')
    .meta({ scope: 'stock:read' })
    .input(ZInventoryListInput)
    .query(({ ctx, input }) => listStockLevels(ctx.db, input)),
  movements: allow('staff', 'admin', 'service')
    .meta({ scope: 'stock:read' })
    .input(ZMovementsInput)
    .query(({ ctx, input }) => listMovements(ctx.db, input)),
  receive: mutationFor('staff', 'admin', 'service')
    .meta({
      scope: 'stock:write',
      openapi: {
        method: 'POST',
        path: `${stockPath}/receive`,
        tags: ['stock'],
        summary: 'Goods received',
        protect: true,
      },
    })
    .input(withIdempotencyKey(ZReceiveInput))
    .output(ZStockLevelOut)
    .mutation(({ ctx, input }) => receiveStock(ctx.mutation, splitKey(input))),
  adjust: mutationFor('staff', 'admin', 'service')
    .meta({
      scope: 'stock:write',
      openapi: {
        method: 'POST',
        path: `${stockPath}/adjust`,
        tags: ['stock'],
        summary: 'Manual correction against a version',
        protect: true,
      },
    })
    .input(withIdempotencyKey(ZAdjustInput))
    .output(ZStockLevelOut)
    .mutation(({ ctx, input }) => adjustStock(ctx.mutation, splitKey(input))),
  set: mutationFor('staff', 'admin', 'service')
    .meta({
      scope: 'stock:write',
      openapi: {
        method: 'PUT',
        path: stockPath,
        tags: ['stock'],
        summary: 'Set the counted on-hand quantity',
        protect: true,
      },
    })
    .input(withIdempotencyKey(ZSetInput))
    .output(ZStockLevelOut)
    .mutation(({ ctx, input }) => setStock(ctx.mutation, splitKey(input))),
  sync: mutationFor('staff', 'admin', 'service')
    .meta({
      scope: 'stock:write',
      openapi: {
        method: 'POST',
        path: '/stock/sync',
        tags: ['stock'],
        summary: 'Bulk counts from a store (1–1000 items)',
        protect: true,
      },
    })
    .input(withIdempotencyKey(ZSyncInput))
    .output(ZSyncOut)
    .mutation(({ ctx, input }) => syncStock(ctx.mutation, splitKey(input))),
});
