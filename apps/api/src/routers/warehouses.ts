import {
  createWarehouse,
  listWarehouses,
  updateWarehouse,
  ZWarehouseInput,
  ZWarehouseUpdateInput,
} from '@stockroom/core';
import { allow, idempotentMutation, router } from '../trpc.js';

export const warehousesRouter = router({
  list: allow('admin', 'staff', 'seller', 'buyer', 'service')
    .meta({ scope: 'any' })
    .query(({ ctx }) => listWarehouses(ctx.db)),
  create: idempotentMutation({
    allow: ['admin'],
    input: ZWarehouseInput,
    run: createWarehouse,
  }),
  update: idempotentMutation({
    allow: ['admin'],
    input: ZWarehouseUpdateInput,
    run: updateWarehouse,
  }),
});
