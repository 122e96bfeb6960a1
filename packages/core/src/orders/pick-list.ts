/**
 * A warehouse's pick list: every line still to pick there — orders that are
 * paid or being picked, whose part at this warehouse has not shipped — grouped
 * by bin location and SKU, in walking order (locations sorted, products without
 * a recorded location last), each group naming the orders and units it serves.
 *
 * Staff see the lists of their own warehouses; admins any; a service token
 * with the `orders` scope those of its warehouses.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../shared/actor.js';
import { forbidden } from '../shared/errors.js';
import { ZWarehouseRef } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';

export const ZPickListInput = z.object({ warehouseId: ZWarehouseRef }).strict();
export type PickListInput = z.input<typeof ZPickListInput>;

const ZPickOrder = z.object({
  orderId: z.string().uuid(),
  number: z.number().int(),
  quantity: z.number().int(),
});
/** One stop on the walk: a bin and a product, the units to take, and for which orders. */
export const ZPickList = z.object({
  warehouseId: z.string().uuid(),
  orders: z.number().int().nonnegative(),
  units: z.number().int().nonnegative(),
  stops: z.array(
    z.object({
      location: z.string().nullable(),
      sku: z.string(),
      name: z.string(),
      quantity: z.number().int().positive(),
      orders: z.array(ZPickOrder),
    }),
  ),
  generatedAt: z.string().datetime(),
});
export type PickList = z.infer<typeof ZPickList>;

function assertMayPickAt(actor: Actor, warehouseId: string): void {
  const own =
    actor.kind === 'user'
      ? actor.role === 'admin'
        ? null
        : actor.role === 'staff'
          ? actor.warehouseIds
          : []
      : null;
  const limited = actor.kind === 'service' ? actor.warehouseIds : own;
  if (limited !== null && !limited.includes(warehouseId)) {
    throw forbidden(`Pick lists are for your own warehouses (not ${warehouseId})`);
  }
}

export async function pickList(db: Db, actor: Actor, input: PickListInput): Promise<PickList> {
  const { warehouseId } = parseInput(ZPickListInput, input);
  assertMayPickAt(actor, warehouseId);
  const { rows } = await sql<{
    location: string | null;
    sku: string;
    name: string;
    quantity: number;
    orders: { orderId: string; number: number; quantity: number }[];
  }>`
    select s.location, i.sku, min(i.name) as name, sum(i.quantity)::int as quantity,
      jsonb_agg(jsonb_build_object('orderId', o.id, 'number', o.number, 'quantity', i.quantity)
                order by o.number) as orders
    from order_items i
    join orders o on o.id = i.order_id
    left join stock_levels s on s.warehouse_id = i.warehouse_id and s.product_id = i.product_id
    where i.warehouse_id = ${warehouseId}
      and o.status in ('paid', 'picking')
      and not exists (select 1 from shipments sh where sh.order_id = o.id and sh.warehouse_id = i.warehouse_id)
    group by s.location, i.sku
    order by s.location nulls last, i.sku`.execute(db);
  const orders = new Set(rows.flatMap((r) => r.orders.map((o) => o.orderId)));
  return {
    warehouseId,
    orders: orders.size,
    units: rows.reduce((sum, r) => sum + r.quantity, 0),
    stops: rows,
    generatedAt: new Date().toISOString(),
  };
}
