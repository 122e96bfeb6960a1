/** A buyer's cart: quantities per product, priced at today's prices when read. */
import type { Database, Db } from '@stockroom/db';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { runMutation } from '../idempotency/index.js';
import type { Actor } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { forbidden, notFound, validationFailed } from '../shared/errors.js';
import { ZSku } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { MAX_MONEY_MINOR, type PricingOptions, priceLines, sumLines } from './pricing.js';

const MAX_CART_QUANTITY = 1000;
const MAX_CART_LINES = 100;

export const ZSetCartItemInput = z
  .object({ sku: ZSku, quantity: z.number().int().min(0).max(MAX_CART_QUANTITY) })
  .strict();

interface CartLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
  /** Units available across all warehouses right now (not a promise). */
  available: number;
  active: boolean;
}

export interface Cart {
  items: CartLine[];
  currency: string | null;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  /**
   * The cart totals more than one order may (MAX_MONEY_MINOR) — e.g. a price rose
   * after the units were added: it can be read and trimmed, not checked out.
   */
  overLimit: boolean;
}

export function buyerOf(actor: Actor): string {
  if (actor.kind !== 'user' || actor.role !== 'buyer') throw forbidden('Only buyers have a cart');
  return actor.id;
}

export async function loadCart(
  db: Kysely<Database>,
  buyerId: string,
  pricing: PricingOptions = {},
  /** Refuse (naming this field) when the cart's total passes MAX_MONEY_MINOR; else flag it. */
  refuseOverLimit?: string,
): Promise<Cart> {
  const rows = await db
    .selectFrom('cartItems as c')
    .innerJoin('products as p', 'p.id', 'c.productId')
    .select([
      'p.sku',
      'p.name',
      'c.quantity',
      'p.priceMinor as unitPriceMinor',
      'p.currency',
      'p.active',
      sql<number>`coalesce((select sum(s.available) from stock_levels s where s.product_id = p.id), 0)::int`.as(
        'available',
      ),
    ])
    .where('c.buyerId', '=', buyerId)
    .orderBy('c.addedAt')
    .orderBy('p.sku')
    .execute();
  const items = rows.map(({ currency: _c, ...r }) => ({
    ...r,
    lineTotalMinor: r.quantity * r.unitPriceMinor,
  }));
  const currency = rows[0]?.currency ?? null;
  if (refuseOverLimit)
    return { items, currency, ...priceLines(items, pricing, refuseOverLimit), overLimit: false };
  const { subtotal, tax, total } = sumLines(items, pricing);
  const overLimit = total > BigInt(MAX_MONEY_MINOR);
  const clamp = (n: bigint) =>
    Number(n > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : n);
  return {
    items,
    currency,
    subtotalMinor: clamp(subtotal),
    taxMinor: clamp(tax),
    totalMinor: clamp(total),
    overLimit,
  };
}

export function getCart(db: Db, actor: Actor, pricing: PricingOptions = {}): Promise<Cart> {
  return loadCart(db, buyerOf(actor), pricing);
}

/** Set a line's quantity (0 removes it). One currency per cart. */
export function setCartItem(
  ctx: MutationContext,
  input: z.input<typeof ZSetCartItemInput>,
  pricing: PricingOptions = {},
): Promise<Cart> {
  const buyerId = buyerOf(ctx.actor);
  const data = parseInput(ZSetCartItemInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const product = await trx
      .selectFrom('products')
      .select(['id', 'currency', 'active'])
      .where('sku', '=', data.sku)
      .executeTakeFirst();
    if (!product) throw notFound(`Product ${data.sku}`, { sku: data.sku });
    if (data.quantity === 0) {
      await trx
        .deleteFrom('cartItems')
        .where('buyerId', '=', buyerId)
        .where('productId', '=', product.id)
        .execute();
      return loadCart(trx, buyerId, pricing);
    }
    if (!product.active) throw notFound(`Product ${data.sku} (no longer sold)`, { sku: data.sku });
    const others = await trx
      .selectFrom('cartItems as c')
      .innerJoin('products as p', 'p.id', 'c.productId')
      .select(['p.currency', 'c.productId'])
      .where('c.buyerId', '=', buyerId)
      .execute();
    const otherCurrency = others.find((o) => o.productId !== product.id)?.currency;
    if (otherCurrency && otherCurrency !== product.currency) {
      throw validationFailed(
        `This cart is in ${otherCurrency}; ${data.sku} is priced in ${product.currency}`,
        {
          sku: data.sku,
        },
      );
    }
    if (!others.some((o) => o.productId === product.id) && others.length >= MAX_CART_LINES) {
      throw validationFailed(`A cart holds at most ${MAX_CART_LINES} different products`);
    }
    await trx
      .insertInto('cartItems')
      .values({ buyerId, productId: product.id, quantity: data.quantity })
      .onConflict((oc) =>
        oc.columns(['buyerId', 'productId']).doUpdateSet({ quantity: data.quantity, updatedAt: sql`now()` }),
      )
      .execute();
    // Refused (and rolled back) when the cart would total more than MAX_MONEY_MINOR.
    return loadCart(trx, buyerId, pricing, 'quantity');
  }).then((r) => r.result);
}

export function clearCart(
  ctx: MutationContext,
  input: unknown = {},
  pricing: PricingOptions = {},
): Promise<Cart> {
  const buyerId = buyerOf(ctx.actor);
  return runMutation(ctx.db, ctx.idempotency, input ?? {}, async (trx) => {
    await trx.deleteFrom('cartItems').where('buyerId', '=', buyerId).execute();
    return loadCart(trx, buyerId, pricing);
  }).then((r) => r.result);
}
