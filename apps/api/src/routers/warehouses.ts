import {
  createWarehouse,
  listWarehouses,
  updateWarehouse,
  ZWarehouseInput,
  ZWarehouseUpdateInput,
} from '@stockroom/core';
import { allow, mutationFor, router, splitKey, withIdempotencyKey } from '../trpc.js';

export const warehousesRouter = router({
  list: allow('admin', 'staff', 'seller', 'buyer', 'service')
    .meta({ scope: 'any' })
    .query(({ ctx }) => listWarehouses(ctx.db)),
  create: mutationFor('admin')
    .input(withIdempotencyKey(ZWarehouseInput))
    .mutation(({ ctx, input }) => createWarehouse(ctx.mutation, splitKey(input))),
  update: mutationFor('admin')
    .input(withIdempotencyKey(ZWarehouseUpdateInput))
    .mutation(({ ctx, input }) => updateWarehouse(ctx.mutation, splitKey(input))),
});
