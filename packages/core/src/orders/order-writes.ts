/**
 * What the order use cases that write share: locking an order (its hold
 * first: the global lock order), moving its status with an event, pricing and
 * writing its items, and committing its items again after its hold ended.
 */
import type { Database, OrderStatus } from '@stockroom/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import {
  appendEvents,
  type EventCatalogue,
  type EventTypeAbout,
  newEvent,
  type OrderEventBase,
} from '../events/index.js';
import { endHold, lockReservation, reserveOne } from '../holds/index.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { DomainError, forbidden, notFound, validationFailed } from '../shared/errors.js';
import { mustLoad } from './queries.js';
import type { Order, OrderOptions } from './schemas.js';

export function assertMayOperate(actor: Actor, warehouseIds: string[]): void {
  if (actor.kind !== 'user') return;
  if (actor.role === 'admin') return;
  if (actor.role === 'staff') {
    const outside = [...new Set(warehouseIds)].filter((w) => !actor.warehouseIds.includes(w));
    if (outside.length === 0) return;
    throw new DomainError(
      'FORBIDDEN',
      'This order is (also) served by warehouses that are not yours; ask their staff or an admin',
      { warehouseIds: outside },
    );
  }
  throw forbidden('Only warehouse staff or an admin can do this');
}

export const warehousesOf = (order: Order) => order.items.map((i) => i.warehouseId);

type OrderEventType = EventTypeAbout<'order'>;
/** What an order event's type adds to the order fields (optional when it adds nothing required). */
type OrderExtra<T extends OrderEventType> = Omit<EventCatalogue[T], keyof OrderEventBase>;

/** An order event: the order after the change, plus what the type adds (`extra`). */
export async function orderEvent<T extends OrderEventType>(
  trx: Kysely<Database>,
  order: Order,
  type: T,
  actor: string,
  ...[extra]: Partial<OrderExtra<T>> extends OrderExtra<T> ? [extra?: OrderExtra<T>] : [extra: OrderExtra<T>]
) {
  const base: OrderEventBase = {
    id: order.id,
    number: order.number,
    status: order.status,
    version: order.version,
    actor,
  };
  // The spread of a generic payload is not provably EventCatalogue[T]; the parameter types above are the check.
  await appendEvents(trx, [newEvent(type, order.id, { ...base, ...extra } as EventCatalogue[T])]);
}

export async function setStatus(
  trx: Transaction<Database>,
  id: string,
  status: OrderStatus,
  fields: Partial<{
    shortages: string | null;
    paymentReference: string;
    lastPaymentError: string;
    cancelReason: string;
    reservationId: string;
    expiresAt: string | null;
  }> = {},
): Promise<Order> {
  await trx
    .updateTable('orders')
    .set({ ...fields, status, version: sql`version + 1`, updatedAt: sql`now()` })
    .where('id', '=', id)
    .execute();
  return mustLoad(trx, id);
}

export interface PricedLine {
  productId: string;
  sku: string;
  name: string;
  unitPriceMinor: number;
  currency: string;
}

export async function priceSkus(trx: Kysely<Database>, skus: string[]): Promise<Map<string, PricedLine>> {
  const rows = await trx
    .selectFrom('products')
    .select(['id as productId', 'sku', 'name', 'priceMinor as unitPriceMinor', 'currency', 'active'])
    .where('sku', 'in', [...new Set(skus)])
    .execute();
  const missing = [...new Set(skus)].filter((s) => !rows.some((r) => r.sku === s && r.active));
  if (missing.length > 0)
    throw notFound(`Product ${missing.join(', ')} (unknown or no longer sold)`, { skus: missing });
  const currencies = new Set(rows.map((r) => r.currency.trim()));
  if (currencies.size > 1)
    throw validationFailed('An order is paid in one currency; these products are priced in several');
  return new Map(rows.map((r) => [r.sku, { ...r, currency: r.currency.trim() }]));
}

export const pricedAt = (lines: { sku: string; quantity: number }[], prices: Map<string, PricedLine>) =>
  lines.map((l) => ({
    quantity: l.quantity,
    unitPriceMinor: (prices.get(l.sku) as PricedLine).unitPriceMinor,
  }));

/** Items per (product, warehouse) from where a reservation holds them, priced now. */
export async function writeItems(
  trx: Transaction<Database>,
  orderId: string,
  lines: { sku: string; warehouseId: string; quantity: number }[],
  prices: Map<string, PricedLine>,
) {
  await trx.deleteFrom('orderItems').where('orderId', '=', orderId).execute();
  await trx
    .insertInto('orderItems')
    .values(
      lines.map((l) => {
        const p = prices.get(l.sku) as PricedLine;
        return {
          orderId,
          productId: p.productId,
          warehouseId: l.warehouseId,
          sku: l.sku,
          name: p.name,
          quantity: l.quantity,
          unitPriceMinor: p.unitPriceMinor,
        };
      }),
    )
    .execute();
}

/**
 * Lock the order's reservation, then the order (the global lock order).
 * Returns undefined when the order does not exist.
 */
export async function lockOrder(trx: Transaction<Database>, id: string) {
  const peek = await trx.selectFrom('orders').select('reservationId').where('id', '=', id).executeTakeFirst();
  if (!peek) return undefined;
  const reservation = peek.reservationId ? await lockReservation(trx, peek.reservationId) : undefined;
  await trx.selectFrom('orders').select('id').where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
  return { order: await mustLoad(trx, id), reservation };
}

/** Reserve the order's items again (after its hold ended) and confirm at once. */
export async function reReserveAndConfirm(
  trx: Transaction<Database>,
  actor: Actor,
  order: Order,
  options: OrderOptions,
) {
  const totals = new Map<string, number>();
  for (const item of order.items) totals.set(item.sku, (totals.get(item.sku) ?? 0) + item.quantity);
  const reservation = await reserveOne(
    trx,
    actor,
    {
      lines: [...totals].map(([sku, quantity]) => ({ sku, quantity })),
      shipTo: { latitude: order.shipTo.latitude, longitude: order.shipTo.longitude },
      strategy: 'nearest',
      reference: `order:${order.id}`,
    },
    options,
  );
  await lockReservation(trx, reservation.id);
  await endHold(trx, reservation.id, 'confirmed', actorLabel(actor));
  // The units may now come from other warehouses; prices stay as charged.
  const prices = new Map(
    order.items.map((i) => [
      i.sku,
      { productId: '', sku: i.sku, name: i.name, unitPriceMinor: i.unitPriceMinor, currency: order.currency },
    ]),
  );
  const productIds = await trx
    .selectFrom('products')
    .select(['id', 'sku'])
    .where(
      'sku',
      'in',
      order.items.map((i) => i.sku),
    )
    .execute();
  for (const p of productIds) (prices.get(p.sku) as PricedLine).productId = p.id;
  await writeItems(trx, order.id, reservation.lines, prices);
  return reservation;
}
