import {
  archiveProduct,
  createProduct,
  getProduct,
  searchProducts,
  updateProduct,
  ZProductInput,
  ZProductSkuInput,
  ZProductUpdateInput,
  ZSearchProductsInput,
} from '@stockroom/core';
import { ZProductOut, ZProductWithStockOut, ZSearchPageOut } from '../schemas.js';
import { mutationFor, publicProcedure, router, splitKey, withIdempotencyKey } from '../trpc.js';

export const productsRouter = router({
  search: publicProcedure
    .meta({
      scope: 'stock:read',
      openapi: {
        method: 'GET',
        path: '/products',
        tags: ['products'],
        summary: 'Search products',
        protect: false,
      },
    })
    .input(ZSearchProductsInput)
    .output(ZSearchPageOut)
    .query(({ ctx, input }) => searchProducts(ctx.db, input)),
  get: publicProcedure
    .meta({
      scope: 'stock:read',
      openapi: {
        method: 'GET',
        path: '/products/{sku}',
        tags: ['products'],
        summary: 'A product with its stock',
        protect: false,
      },
    })
    .input(ZProductSkuInput)
    .output(ZProductWithStockOut)
    .query(({ ctx, input }) => getProduct(ctx.db, input)),
  create: mutationFor('admin', 'seller')
    .input(withIdempotencyKey(ZProductInput))
    .output(ZProductOut)
    .mutation(({ ctx, input }) => createProduct(ctx.mutation, splitKey(input))),
  update: mutationFor('admin', 'seller')
    .input(withIdempotencyKey(ZProductUpdateInput))
    .output(ZProductOut)
    .mutation(({ ctx, input }) => updateProduct(ctx.mutation, splitKey(input))),
  archive: mutationFor('admin', 'seller')
    .input(withIdempotencyKey(ZProductSkuInput))
    .output(ZProductOut)
    .mutation(({ ctx, input }) => archiveProduct(ctx.mutation, splitKey(input))),
});
