/**
 * What a caller sent, made ready to parse: text no column can store is refused
 * (storable-input.ts), and every `warehouseId` / `warehouseIds` given as a code
 * (`NYC-1`) becomes the warehouse's id, so every procedure, over tRPC and REST
 * (`/api/v1/stock/NYC-1/EL-HDP-001`), takes either. An unknown code is
 * NOT_FOUND naming it (core's `resolveWarehouseRefs`). The codes are replaced
 * in place, in the request's parsed input that `getRawInput` hands every
 * middleware and the input parser (test/exports.test.ts syncs by code).
 */
import { resolveWarehouseRefs } from '@stockroom/core';
import type { Context } from '../init.js';
import { assertStorable } from './storable-input.js';

export async function preparedInput(ctx: Context, getRawInput: () => Promise<unknown>): Promise<void> {
  const raw = await getRawInput();
  assertStorable(raw);
  await resolveWarehouseRefs(ctx.db, raw);
}
