/**
 * Warehouse codes anywhere a warehouse is named: every `warehouseId` /
 * `warehouseIds` given as a code (`NYC-1`) becomes the warehouse's id before
 * the input is parsed, so every procedure, over tRPC and REST
 * (`/api/v1/stock/NYC-1/EL-HDP-001`), takes either. An unknown code is
 * NOT_FOUND naming it (core's `resolveWarehouseRefs`).
 */
import { resolveWarehouseRefs } from '@stockroom/core';
import { t } from '../init.js';

export const warehouseRefs = t.middleware(async ({ ctx, getRawInput, next }) => {
  const raw = await resolveWarehouseRefs(ctx.db, await getRawInput());
  return next({ getRawInput: async () => raw });
});
