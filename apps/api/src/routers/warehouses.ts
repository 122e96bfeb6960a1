import {
  createWarehouse,
  listWarehouses,
  updateWarehouse,
  ZWarehouseInput,
  ZWarehouseUpdateInput,
} from '@stockroom/core';
import { z } from 'zod';
import { rest, ZWarehouseOut } from '../schemas.js';
import { allow, idempotentMutation, router } from '../trpc.js';

export const warehousesRouter = router({
  list: allow('admin', 'staff', 'seller', 'buyer', 'service')
    .meta({
      scope: 'any',
      openapi: rest('GET', '/warehouses', 'warehouses', 'Every warehouse, with its id and code'),
    })
    .output(z.array(ZWarehouseOut))
    .query(({ ctx }) => listWarehouses(ctx.db)),
  create: idempotentMutation({
    allow: ['admin'],
    meta: { openapi: rest('POST', '/warehouses', 'warehouses', 'Create a warehouse') },
    input: ZWarehouseInput,
    output: ZWarehouseOut,
    run: createWarehouse,
  }),
  update: idempotentMutation({
    allow: ['admin'],
    meta: { openapi: rest('PATCH', '/warehouses/{id}', 'warehouses', 'Change a warehouse') },
    input: ZWarehouseUpdateInput,
    output: ZWarehouseOut,
    run: updateWarehouse,
  }),
});
