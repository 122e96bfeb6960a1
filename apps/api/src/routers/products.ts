import {
  archiveProduct,
  createProduct,
  getProduct,
  listCategories,
  listMyProducts,
  searchProducts,
  updateProduct,
  ZCategories,
  ZMyProductsInput,
  ZProductInput,
  ZProductSkuInput,
  ZProductUpdateInput,
  ZSearchProductsInput,
} from '@stockroom/core';
import { lagTolerant } from '../reads.js';
import { rest, ZMyProductsPageOut, ZProductOut, ZProductWithStockOut, ZSearchPageOut } from '../schemas.js';
import { allow, idempotentMutation, publicProcedure, router } from '../trpc.js';

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
    .query(({ ctx, input }) =>
      ctx.services.searches(() => lagTolerant(ctx, (db) => searchProducts(db, input))),
    ),
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
  /** The categories of active products, sorted (for filters). */
  categories: publicProcedure
    .meta({
      scope: 'stock:read',
      openapi: {
        method: 'GET',
        path: '/categories',
        tags: ['products'],
        summary: 'Categories in use',
        protect: false,
      },
    })
    .output(ZCategories)
    .query(({ ctx }) => lagTolerant(ctx, (db) => listCategories(db))),
  /** The caller's own products (admins: all) with stock per warehouse, archived ones included. */
  mine: allow('seller', 'admin')
    .meta({
      openapi: {
        method: 'GET',
        path: '/me/products',
        tags: ['products'],
        summary: 'My products with stock per warehouse',
        protect: true,
      },
    })
    .input(ZMyProductsInput)
    .output(ZMyProductsPageOut)
    .query(({ ctx, input }) => lagTolerant(ctx, (db) => listMyProducts(db, ctx.actor, input))),
  create: idempotentMutation({
    allow: ['admin', 'seller'],
    meta: { openapi: rest('POST', '/products', 'products', 'Create a product') },
    input: ZProductInput,
    output: ZProductOut,
    run: createProduct,
  }),
  update: idempotentMutation({
    allow: ['admin', 'seller'],
    meta: { openapi: rest('PATCH', '/products/{sku}', 'products', 'Change a product') },
    input: ZProductUpdateInput,
    output: ZProductOut,
    run: updateProduct,
  }),
  archive: idempotentMutation({
    allow: ['admin', 'seller'],
    meta: { openapi: rest('POST', '/products/{sku}/archive', 'products', 'Archive a product') },
    input: ZProductSkuInput,
    output: ZProductOut,
    run: archiveProduct,
  }),
});
