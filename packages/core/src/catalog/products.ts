/**
 * Products: the catalogue. Admins manage every product; a seller creates
 * products that belong to them and may change or archive only those. Archiving
 * keeps the row (orders and the ledger still point at it) but takes it out of
 * search. Every change writes a `product.*` outbox event in the same transaction.
 */

import type { Db, Product as ProductRow } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { appendEvents } from '../events/index.js';
import { runMutation } from '../idempotency/index.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { iso, type StockLevel } from '../shared/dto.js';
import { forbidden, notFound, validationFailed } from '../shared/errors.js';
import { ZSku, ZUuid } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import {
  assertMayEditCatalogue,
  definedFields,
  hasChanges,
  isForeignKeyViolation,
  isUniqueViolation,
} from './internal.js';

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  priceMinor: number;
  currency: string;
  sellerId: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

interface StockTotals {
  onHand: number;
  reserved: number;
  available: number;
}

export interface ProductWithStock extends Product {
  stock: { total: StockTotals; perWarehouse: StockLevel[] };
}

export const MAX_PRICE_MINOR = 1_000_000_000_000;

const ZProductName = z.string().trim().min(1).max(200);
const ZProductDescription = z.string().trim().max(5000);
export const ZCategory = z.string().trim().min(1).max(100);
const ZPriceMinor = z.number().int().min(0).max(MAX_PRICE_MINOR);
/** ISO 4217 codes as the runtime's ICU knows them (Intl). */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const ZCurrency = z
  .string()
  .trim()
  .regex(/^[A-Z]{3}$/, 'currency is a three-letter ISO 4217 code in capitals, like USD')
  .refine((code) => CURRENCIES.has(code), 'currency is not an ISO 4217 currency code');

export const ZProductInput = z
  .object({
    sku: ZSku,
    name: ZProductName,
    description: ZProductDescription.optional(),
    category: ZCategory,
    priceMinor: ZPriceMinor,
    currency: ZCurrency,
    /** The owning seller. Admins may set it; a seller's products are always their own. */
    sellerId: ZUuid.nullable().optional(),
  })
  .strict();
export type ProductInput = z.input<typeof ZProductInput>;

export const ZProductUpdateInput = z
  .object({
    sku: ZSku,
    name: ZProductName.optional(),
    description: ZProductDescription.optional(),
    category: ZCategory.optional(),
    priceMinor: ZPriceMinor.optional(),
    currency: ZCurrency.optional(),
    sellerId: ZUuid.nullable().optional(),
  })
  .strict()
  .refine((input) => hasChanges(input, 'sku'), 'name at least one field to change');
export type ProductUpdateInput = z.input<typeof ZProductUpdateInput>;

export const ZProductSkuInput = z.object({ sku: ZSku }).strict();
export type ProductSkuInput = z.input<typeof ZProductSkuInput>;

/** A products row without the generated search vector, which never leaves the database. */
type ProductRecord = Omit<ProductRow, 'search'>;

export function toProductDto(row: ProductRecord): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: row.category,
    priceMinor: row.priceMinor,
    currency: row.currency,
    sellerId: row.sellerId,
    active: row.active,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export const productColumns = [
  'id',
  'sku',
  'name',
  'description',
  'category',
  'priceMinor',
  'currency',
  'sellerId',
  'active',
  'createdAt',
  'updatedAt',
] as const;

const sellerOf = (actor: Actor): string | undefined =>
  actor.kind === 'user' && actor.role === 'seller' ? actor.id : undefined;

/** A seller may only name themselves as the owner. */
function ownerFor(actor: Actor, requested: string | null | undefined): string | null | undefined {
  const seller = sellerOf(actor);
  if (seller === undefined) return requested;
  if (requested !== undefined && requested !== seller) {
    throw forbidden('A seller can only own their own products');
  }
  return seller;
}

function assertOwns(actor: Actor, product: { sellerId: string | null }): void {
  const seller = sellerOf(actor);
  if (seller !== undefined && product.sellerId !== seller) {
    throw forbidden('You can only change your own products');
  }
}

/** A product's owner must be a seller's account (an admin naming a buyer or staff member is refused). */
async function assertSellerAccount(db: Db, sellerId: string | null | undefined): Promise<void> {
  if (!sellerId) return;
  // FOR SHARE: a concurrent change of this user's role waits (users.ts assertOwnsNoProducts).
  const user = await db
    .selectFrom('users')
    .select('role')
    .where('id', '=', sellerId)
    .forShare()
    .executeTakeFirst();
  if (!user) throw validationFailed('sellerId: no user has this id', { field: 'sellerId', sellerId });
  if (user.role !== 'seller') {
    throw validationFailed(`sellerId: that user is a ${user.role}, not a seller`, {
      field: 'sellerId',
      sellerId,
    });
  }
}

function translateWriteError(error: unknown, sku: string, sellerId: string | null | undefined): unknown {
  if (isUniqueViolation(error, 'products_sku_key')) {
    return validationFailed(`A product with SKU ${sku} already exists; choose another SKU`, {
      field: 'sku',
      sku,
    });
  }
  if (isForeignKeyViolation(error, 'products_seller_id_fkey')) {
    return validationFailed('sellerId: no user has this id', { field: 'sellerId', sellerId });
  }
  return error;
}

export async function createProduct(ctx: MutationContext, input: ProductInput): Promise<Product> {
  const { actor } = ctx;
  assertMayEditCatalogue(actor);
  const { sellerId: requestedSeller, ...fields } = parseInput(ZProductInput, input);
  const sellerId = ownerFor(actor, requestedSeller) ?? null;
  try {
    return await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
      await assertSellerAccount(trx, sellerId);
      const row = await trx
        .insertInto('products')
        .values({ ...fields, sellerId })
        .returning(productColumns)
        .executeTakeFirstOrThrow();
      const product = toProductDto(row);
      await appendEvents(trx, [
        {
          type: 'product.created',
          aggregateType: 'product',
          aggregateId: product.id,
          payload: { actor: actorLabel(actor), product },
        },
      ]);
      return product;
    }).then((r) => r.result);
  } catch (error) {
    throw translateWriteError(error, fields.sku, sellerId);
  }
}

export async function updateProduct(ctx: MutationContext, input: ProductUpdateInput): Promise<Product> {
  const { actor } = ctx;
  assertMayEditCatalogue(actor);
  const { sku, ...given } = parseInput(ZProductUpdateInput, input);
  const changes = definedFields(given);
  if (changes.sellerId !== undefined) changes.sellerId = ownerFor(actor, changes.sellerId);
  try {
    return await runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
      const current = await trx
        .selectFrom('products')
        .select(['id', 'sellerId'])
        .where('sku', '=', sku)
        .forUpdate()
        .executeTakeFirst();
      if (!current) throw notFound(`Product ${sku}`, { sku });
      assertOwns(actor, current);
      await assertSellerAccount(trx, changes.sellerId);
      const row = await trx
        .updateTable('products')
        .set({ ...changes, updatedAt: sql`now()` })
        .where('id', '=', current.id)
        .returning(productColumns)
        .executeTakeFirstOrThrow();
      const product = toProductDto(row);
      await appendEvents(trx, [
        {
          type: 'product.updated',
          aggregateType: 'product',
          aggregateId: product.id,
          payload: { actor: actorLabel(actor), changed: Object.keys(changes), product },
        },
      ]);
      return product;
    }).then((r) => r.result);
  } catch (error) {
    throw translateWriteError(error, sku, changes.sellerId);
  }
}

/**
 * Take a product out of the catalogue: not searchable, not reservable. The row
 * stays, so orders, reservations and the ledger keep their history. Archiving
 * an archived product changes nothing.
 */
export async function archiveProduct(ctx: MutationContext, input: ProductSkuInput): Promise<Product> {
  const { actor } = ctx;
  assertMayEditCatalogue(actor);
  const { sku } = parseInput(ZProductSkuInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const current = await trx
      .selectFrom('products')
      .select(productColumns)
      .where('sku', '=', sku)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound(`Product ${sku}`, { sku });
    assertOwns(actor, current);
    if (!current.active) return toProductDto(current);
    const row = await trx
      .updateTable('products')
      .set({ active: false, updatedAt: sql`now()` })
      .where('id', '=', current.id)
      .returning(productColumns)
      .executeTakeFirstOrThrow();
    const product = toProductDto(row);
    await appendEvents(trx, [
      {
        type: 'product.archived',
        aggregateType: 'product',
        aggregateId: product.id,
        payload: { actor: actorLabel(actor), product },
      },
    ]);
    return product;
  }).then((r) => r.result);
}

/** A product (archived ones too) with its stock at every warehouse and the totals. */
export async function getProduct(db: Db, input: ProductSkuInput): Promise<ProductWithStock> {
  const { sku } = parseInput(ZProductSkuInput, input);
  const row = await db
    .selectFrom('products')
    .select(productColumns)
    .where('sku', '=', sku)
    .executeTakeFirst();
  if (!row) throw notFound(`Product ${sku}`, { sku });
  const levels = await db
    .selectFrom('stockLevels as sl')
    .innerJoin('warehouses as w', 'w.id', 'sl.warehouseId')
    .select([
      'sl.warehouseId',
      'sl.onHand',
      'sl.reserved',
      'sl.available',
      'sl.version',
      'sl.safetyStock',
      'sl.updatedAt',
    ])
    .where('sl.productId', '=', row.id)
    .orderBy('w.priority')
    .orderBy('w.code')
    .execute();
  const perWarehouse: StockLevel[] = levels.map((level) => ({
    warehouseId: level.warehouseId,
    sku: row.sku,
    onHand: level.onHand,
    reserved: level.reserved,
    available: level.available,
    version: level.version,
    safetyStock: level.safetyStock,
    updatedAt: iso(level.updatedAt),
  }));
  const total = perWarehouse.reduce<StockTotals>(
    (sum, level) => ({
      onHand: sum.onHand + level.onHand,
      reserved: sum.reserved + level.reserved,
      available: sum.available + level.available,
    }),
    { onHand: 0, reserved: 0, available: 0 },
  );
  return { ...toProductDto(row), stock: { total, perWarehouse } };
}
