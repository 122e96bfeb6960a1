/**
 * The dashboard's figures, computed in SQL over every row (never summed from a
 * page of results in the browser): units on hand, reserved and available, the
 * value of the stock on hand per currency, how many levels are low (available
 * at or below the level's safety stock) or out, and how many orders are in each
 * status.
 *
 * Scope: an admin sees every warehouse; staff see their own warehouses only;
 * a service token limited to warehouses sees those. `warehouseId` narrows to
 * one warehouse, which must be in the caller's scope. Orders count in a scope
 * when at least one of their lines is served from it (an order served from two
 * warehouses counts once in each warehouse's figures, once overall).
 */
import type { Db, OrderStatus } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { ORDER_STATUSES } from '../orders/index.js';
import type { Actor } from '../shared/actor.js';
import { forbidden } from '../shared/errors.js';
import { ZWarehouseRef } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';

export const ZDashboardSummaryInput = z.object({ warehouseId: ZWarehouseRef.optional() }).strict().optional();
export type DashboardSummaryInput = z.input<typeof ZDashboardSummaryInput>;

const ZCount = z.number().int().nonnegative();

/** The figures (API.md's names); also the procedure's output schema, documented in OpenAPI. */
export const ZDashboardSummary = z.object({
  /** The warehouses counted; null = every warehouse. */
  warehouseIds: z.array(z.string().uuid()).nullable(),
  /** Products with stock recorded in scope (archived ones excluded). */
  products: ZCount,
  onHand: z.number().int(),
  available: z.number().int(),
  /** Units held by reservations (checkout holds and API holds). */
  held: ZCount,
  /** Value of the units on hand at list price, per currency: minor units as a decimal string (may exceed 2^53). */
  stockValueMinor: z.record(z.string(), z.string().regex(/^-?\d+$/)),
  /** Levels whose available units are at or below their safety stock (and above zero). */
  lowStock: ZCount,
  /** Levels with nothing available. */
  outOfStock: ZCount,
  ordersByStatus: z.object(
    Object.fromEntries(ORDER_STATUSES.map((status) => [status, ZCount])) as Record<
      OrderStatus,
      typeof ZCount
    >,
  ),
  ordersTotal: ZCount,
  asOf: z.string().datetime(),
});
export type DashboardSummary = z.infer<typeof ZDashboardSummary>;

/** The warehouses the caller's figures cover (null = all), narrowed to `warehouseId`. */
function scopeOf(actor: Actor, warehouseId: string | undefined): string[] | null {
  const own =
    actor.kind === 'user' && actor.role === 'staff'
      ? actor.warehouseIds
      : actor.kind === 'service'
        ? actor.warehouseIds
        : actor.kind === 'user' && actor.role !== 'admin'
          ? []
          : null;
  if (warehouseId === undefined) return own;
  if (own !== null && !own.includes(warehouseId)) {
    throw forbidden(`You can only see figures of your own warehouses (not ${warehouseId})`);
  }
  return [warehouseId];
}

async function stockFigures(db: Db, scope: string[] | null) {
  const inScope = scope === null ? sql`true` : sql`s.warehouse_id = any(${scope}::uuid[])`;
  const totals = await sql<{
    products: number;
    onHand: string;
    reserved: string;
    available: string;
    lowStock: number;
    outOfStock: number;
  }>`
    select count(distinct s.product_id)::int as "products",
      coalesce(sum(s.on_hand), 0)::text as "onHand",
      coalesce(sum(s.reserved), 0)::text as "reserved",
      coalesce(sum(s.available), 0)::text as "available",
      (count(*) filter (where s.available > 0 and s.available <= s.safety_stock))::int as "lowStock",
      (count(*) filter (where s.available <= 0))::int as "outOfStock"
    from stock_levels s join products p on p.id = s.product_id
    where p.active and ${inScope}`.execute(db);
  const value = await sql<{ currency: string; minor: string }>`
    select p.currency, sum(s.on_hand::numeric * p.price_minor)::text as minor
    from stock_levels s join products p on p.id = s.product_id
    where p.active and ${inScope}
    group by p.currency order by p.currency`.execute(db);
  const row = totals.rows[0];
  return {
    products: row?.products ?? 0,
    onHand: Number(row?.onHand ?? 0),
    held: Number(row?.reserved ?? 0),
    available: Number(row?.available ?? 0),
    stockValueMinor: Object.fromEntries(value.rows.map((v) => [v.currency, v.minor])),
    lowStock: row?.lowStock ?? 0,
    outOfStock: row?.outOfStock ?? 0,
  };
}

async function orderFigures(db: Db, scope: string[] | null) {
  const counted =
    scope === null
      ? sql`select status from orders`
      : sql`select o.status from orders o
          where exists (select 1 from order_items i
                        where i.order_id = o.id and i.warehouse_id = any(${scope}::uuid[]))`;
  const rows = await sql<{ status: OrderStatus; count: number }>`
    select status, count(*)::int as count from (${counted}) o group by status`.execute(db);
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<
    OrderStatus,
    number
  >;
  for (const row of rows.rows) byStatus[row.status] = row.count;
  return { ordersTotal: rows.rows.reduce((sum, row) => sum + row.count, 0), ordersByStatus: byStatus };
}

export async function dashboardSummary(
  db: Db,
  actor: Actor,
  input: DashboardSummaryInput,
): Promise<DashboardSummary> {
  const data = parseInput(ZDashboardSummaryInput, input) ?? {};
  const scope = scopeOf(actor, data.warehouseId);
  // One snapshot for both figures.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => ({
      warehouseIds: scope,
      ...(await stockFigures(trx, scope)),
      ...(await orderFigures(trx, scope)),
      asOf: new Date().toISOString(),
    }));
}
