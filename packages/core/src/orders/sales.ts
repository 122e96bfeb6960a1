/**
 * Sales of a seller's products: units and revenue of the order lines of orders
 * that were paid (paid, picking, shipped, delivered), grouped by UTC day of the
 * order or by product, computed in SQL. Sellers see only their own products;
 * admins see every product or one seller's.
 *
 * Money: revenue is summed as `numeric` in PostgreSQL and returned as a string
 * of decimal digits in minor units (`"1234500"`), so a report over many orders
 * is exact however large it grows (a JavaScript number is exact only to 2^53).
 * Units are summed the same way and returned as a number (a line holds at most
 * a million units, so a report would need billions of lines to lose precision).
 */
import type { Db, OrderStatus } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../shared/actor.js';
import { forbidden, validationFailed } from '../shared/errors.js';
import { ZIsoDateTime, ZSku, ZUuid } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';

/** The states an order reaches only after it was paid; cancelled ones are not sales. */
const SOLD_STATUSES = ['paid', 'picking', 'shipped', 'delivered'] as const satisfies readonly OrderStatus[];

export const ZSalesInput = z
  .object({
    /** Orders created at or after this instant. */
    from: ZIsoDateTime.optional(),
    /** Orders created before this instant. */
    to: ZIsoDateTime.optional(),
    sku: ZSku.optional(),
    groupBy: z.enum(['day', 'product']),
    /** Admins only: one seller's products. */
    sellerId: ZUuid.optional(),
  })
  .strict()
  .refine((i) => !i.from || !i.to || new Date(i.from) < new Date(i.to), {
    message: 'from must be before to',
    path: ['to'],
  });
export type SalesInput = z.input<typeof ZSalesInput>;

interface SalesRow {
  /** UTC day of the order, YYYY-MM-DD (groupBy "day"). */
  day?: string;
  /** groupBy "product". */
  sku?: string;
  name?: string;
  units: number;
  /** Decimal digits in minor units of `currency`. */
  revenueMinor: string;
  currency: string;
}

export interface SalesReport {
  rows: SalesRow[];
  /** One total per currency. */
  totals: { currency: string; units: number; revenueMinor: string }[];
}

/** Whose products the report covers: a seller's own, or (admin) one seller's or everyone's. */
function sellerScope(actor: Actor, requested: string | undefined): string | null {
  if (actor.kind === 'user' && actor.role === 'seller') {
    if (requested !== undefined && requested !== actor.id)
      throw forbidden('A seller sees only their own sales');
    return actor.id;
  }
  if (actor.kind === 'user' && actor.role === 'admin') return requested ?? null;
  throw forbidden('Sales are for sellers and admins');
}

function toUnits(text: string): number {
  const units = Number(text);
  if (!Number.isSafeInteger(units)) throw validationFailed('too many units to report; narrow the range');
  return units;
}

export async function salesReport(db: Db, actor: Actor, input: SalesInput): Promise<SalesReport> {
  const data = parseInput(ZSalesInput, input);
  const sellerId = sellerScope(actor, data.sellerId);
  const base = () => {
    let query = db
      .selectFrom('orderItems as i')
      .innerJoin('orders as o', 'o.id', 'i.orderId')
      .innerJoin('products as p', 'p.id', 'i.productId')
      .where('o.status', 'in', [...SOLD_STATUSES]);
    if (sellerId !== null) query = query.where('p.sellerId', '=', sellerId);
    if (data.sku) query = query.where('p.sku', '=', data.sku);
    if (data.from) query = query.where('o.createdAt', '>=', new Date(data.from));
    if (data.to) query = query.where('o.createdAt', '<', new Date(data.to));
    return query
      .select(sql<string>`btrim(o.currency)`.as('currency'))
      .select(sql<string>`sum(i.quantity)::text`.as('units'))
      .select(sql<string>`sum(i.quantity::numeric * i.unit_price_minor)::text`.as('revenueMinor'))
      .groupBy(sql`btrim(o.currency)`);
  };
  const day = sql<string>`to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows: SalesRow[] =
    data.groupBy === 'day'
      ? (
          await base()
            .select(day.as('day'))
            .groupBy(day)
            .orderBy(day)
            .orderBy(sql`btrim(o.currency)`)
            .execute()
        ).map((r) => ({
          day: r.day,
          units: toUnits(r.units),
          revenueMinor: r.revenueMinor,
          currency: r.currency,
        }))
      : (
          await base()
            .select(['p.sku', 'p.name'])
            .groupBy(['p.id', 'p.sku', 'p.name'])
            .orderBy('p.sku')
            .orderBy(sql`btrim(o.currency)`)
            .execute()
        ).map((r) => ({
          sku: r.sku,
          name: r.name,
          units: toUnits(r.units),
          revenueMinor: r.revenueMinor,
          currency: r.currency,
        }));
  const totals = (await base().orderBy(sql`btrim(o.currency)`).execute()).map((r) => ({
    currency: r.currency,
    units: toUnits(r.units),
    revenueMinor: r.revenueMinor,
  }));
  return { rows, totals };
}
