import {
  adjustStock,
  listMovements,
  listStockLevels,
  previewSync,
  readStockLevel,
  receiveStock,
  setLocation,
  setStock,
  syncStock,
  ZAdjustInput,
  ZInventoryListInput,
  ZLocationOut,
  ZMovementsInput,
  ZReceiveInput,
  ZSetInput,
  ZSetLocationInput,
  ZStockKey,
  ZSyncInput,
  ZSyncPreview,
  ZSyncPreviewInput,
} from '@stockroom/core';
import { lagTolerant } from '../reads.js';
import { rest, ZMovementsPageOut, ZStockLevelOut, ZStockLevelsPageOut, ZSyncOut } from '../schemas.js';
import { allow, idempotentMutation, router } from '../trpc.js';

const stockPath = '/stock/{warehouseId}/{sku}';

export const inventoryRouter = router({
  get: allow('staff', 'admin', 'service')
    .meta({
      scope: 'stock:read',
      openapi: { method: 'GET', path: stockPath, tags: ['stock'], summary: 'One stock level', protect: true },
    })
    .input(ZStockKey)
    .output(ZStockLevelOut)
    .query(({ ctx, input }) => readStockLevel(ctx.db, ctx.actor, input)),
  list: allow('staff', 'admin', 'service')
    .meta({
      scope: 'stock:read',
      openapi: rest('GET', '/inventory', 'stock', 'Stock levels, by warehouse (id or code) or product'),
    })
    .input(ZInventoryListInput)
    .output(ZStockLevelsPageOut)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => listStockLevels(db, ctx.actor, input))),
  movements: allow('staff', 'admin', 'service')
    .meta({ scope: 'stock:read', openapi: rest('GET', '/inventory/movements', 'stock', 'The stock ledger') })
    .input(ZMovementsInput)
    .output(ZMovementsPageOut)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => listMovements(db, ctx.actor, input))),
  receive: idempotentMutation({
    allow: ['staff', 'admin', 'service'],
    meta: {
      scope: 'stock:write',
      openapi: {
        method: 'POST',
        path: `${stockPath}/receive`,
        tags: ['stock'],
        summary: 'Goods received',
        protect: true,
      },
    },
    input: ZReceiveInput,
    output: ZStockLevelOut,
    run: receiveStock,
  }),
  adjust: idempotentMutation({
    allow: ['staff', 'admin', 'service'],
    meta: {
      scope: 'stock:write',
      openapi: {
        method: 'POST',
        path: `${stockPath}/adjust`,
        tags: ['stock'],
        summary: 'Manual correction against a version',
        protect: true,
      },
    },
    input: ZAdjustInput,
    output: ZStockLevelOut,
    run: adjustStock,
  }),
  set: idempotentMutation({
    allow: ['staff', 'admin', 'service'],
    meta: {
      scope: 'stock:write',
      openapi: {
        method: 'PUT',
        path: stockPath,
        tags: ['stock'],
        summary: 'Set the counted on-hand quantity',
        protect: true,
      },
    },
    input: ZSetInput,
    output: ZStockLevelOut,
    run: setStock,
  }),
  setLocation: idempotentMutation({
    allow: ['staff', 'admin', 'service'],
    meta: {
      scope: 'stock:write',
      openapi: {
        method: 'PUT',
        path: `${stockPath}/location`,
        tags: ['stock'],
        summary: 'Record the bin a product sits in (null clears it)',
        protect: true,
      },
    },
    input: ZSetLocationInput,
    output: ZLocationOut,
    run: setLocation,
  }),
  /** A stock count file, judged row by row as `sync` would apply it; writes nothing. */
  syncPreview: allow('staff', 'admin', 'service')
    .meta({
      scope: 'stock:write',
      openapi: rest('POST', '/stock/sync/preview', 'stock', 'What a stock count would change, row by row'),
    })
    .input(ZSyncPreviewInput)
    .output(ZSyncPreview)
    .mutation(({ ctx, input }) => previewSync(ctx.db, ctx.actor, input)),
  sync: idempotentMutation({
    allow: ['staff', 'admin', 'service'],
    meta: {
      scope: 'stock:write',
      openapi: {
        method: 'POST',
        path: '/stock/sync',
        tags: ['stock'],
        summary: 'Bulk counts from a store (1–1000 items)',
        protect: true,
      },
    },
    input: ZSyncInput,
    output: ZSyncOut,
    run: syncStock,
  }),
});
