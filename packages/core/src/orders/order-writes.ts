/**
 * What the order use cases that write share: locking an order (its hold
 * first: the global lock order), moving its status with an event, pricing and
 * writing its items, and committing its items again after its hold ended.
 */
import { type Database, type OrderStatus, OUTBOX_MARK, PREPARED_MARK } from '@stockroom/db';
import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import {
  appendEvents,
  type EventCatalogue,
  type EventTypeAbout,
  newEvent,
  type OrderEventBase,
} from '../events/index.js';
import { endHold, lockReservation, reserveOne } from '../holds/index.js';
import type { AnswerStore } from '../idempotency/index.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { DomainError, forbidden, notFound, validationFailed } from '../shared/errors.js';
import { itemsOf, ORDER_COLUMNS, type OrderRow, toOrder } from './queries.js';
import type { Order, OrderItem, OrderOptions } from './schemas.js';

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

/** An order event written by the statement that changes the order (see `orderEvent`). */
export interface OrderEventSpec {
  type: string;
  actor: string;
  extra?: Record<string, unknown>;
}

/** The `order.*` event of the order rows in `from` (a CTE's name), as `orderEvent` writes it. */
function orderEventSelect(from: 'o', event: OrderEventSpec) {
  return sql`
    ${sql.raw(OUTBOX_MARK)} insert into events (type, aggregate_type, aggregate_id, payload)
    select ${event.type}::text, 'order', o.id::text,
           jsonb_build_object('id', o.id, 'number', o.number, 'status', o.status,
                              'version', o.version, 'actor', ${event.actor}::text)
           || ${JSON.stringify(event.extra ?? {})}::jsonb
    from ${sql.raw(from)} as o`;
}

/**
 * Move an order's status (with other fields) and return it, with its event
 * when one is given — one statement. `items`: the order's items when the
 * caller has them and they did not change (saves reading them again).
 */
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
  items?: OrderItem[],
  event?: OrderEventSpec,
  /**
   * Store the call's answer in the same statement: the order as it will be,
   * foreseen from the locked order (`was`) and the transaction's clock (`now`).
   */
  answer?: { store: AnswerStore; was: Order; now: Date },
): Promise<Order> {
  const update = trx
    .updateTable('orders')
    .set({ ...fields, status, version: sql`version + 1`, updatedAt: sql`now()` })
    .where('id', '=', id)
    .returning(ORDER_COLUMNS);
  // With an event or an answer: a few texts per call site (which fields, event, answer), prepared once per connection.
  const row =
    event || answer
      ? (
          await sql<OrderRow>`${sql.raw(PREPARED_MARK)}
          with o as (${update})
          ${event ? sql`, e as (${orderEventSelect('o', event)})` : sql.raw('')}
          ${answer ? answer.store.ctes(foresee(answer.was, status, fields, answer.now)) : sql.raw('')}
          select * from o`.execute(trx)
        ).rows[0]
      : await update.executeTakeFirst();
  if (!row) throw notFound(`Order ${id}`, { id });
  return toOrder(row as OrderRow, items ?? (await itemsOf(trx, [id])).get(id) ?? []);
}

/**
 * The order as `setStatus` returns it, from the order before (locked) and the
 * transaction's clock (`now()`, which the update writes). Should it ever differ,
 * `runMutation` stores the returned order instead (one more statement).
 */
function foresee(was: Order, status: OrderStatus, fields: Parameters<typeof setStatus>[3], now: Date): Order {
  const { shortages, expiresAt, ...rest } = fields ?? {};
  // Spread over `was`, every key keeps its place: the same JSON text as `toOrder` gives.
  return {
    ...was,
    ...rest,
    status,
    version: was.version + 1,
    updatedAt: now.toISOString(),
    ...(expiresAt === undefined
      ? {}
      : { expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() }),
    ...(shortages === undefined
      ? {}
      : { shortages: shortages === null ? null : (JSON.parse(shortages) as Order['shortages']) }),
  };
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
    .modifyFront(sql.raw(PREPARED_MARK))
    .select(['id as productId', 'sku', 'name', 'priceMinor as unitPriceMinor', 'currency', 'active'])
    .where('sku', '=', sql<string>`any(${[...new Set(skus)]}::text[])`)
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

/** The item rows of an order from where its hold holds the units, priced now, and the items as the order shows them. */
function itemRows(
  orderId: string,
  lines: { sku: string; warehouseId: string; quantity: number }[],
  prices: Map<string, PricedLine>,
) {
  const rows = lines.map((l) => {
    const p = prices.get(l.sku) as PricedLine;
    return {
      order_id: orderId,
      product_id: p.productId,
      warehouse_id: l.warehouseId,
      sku: l.sku,
      name: p.name,
      quantity: l.quantity,
      unit_price_minor: p.unitPriceMinor,
    };
  });
  // The order's items are read sorted by SKU, then warehouse (queries.ts).
  const items: OrderItem[] = rows
    .map((r) => ({
      sku: r.sku,
      name: r.name,
      quantity: r.quantity,
      unitPriceMinor: r.unit_price_minor,
      warehouseId: r.warehouse_id,
    }))
    .sort((a, b) =>
      a.sku < b.sku
        ? -1
        : a.sku > b.sku
          ? 1
          : a.warehouseId < b.warehouseId
            ? -1
            : a.warehouseId > b.warehouseId
              ? 1
              : 0,
    );
  return { rows, items };
}

/** The insert of an order's item rows (`itemRows`), one statement text for any number of them. */
function insertItems(rows: ReturnType<typeof itemRows>['rows']) {
  return sql`insert into order_items (order_id, product_id, warehouse_id, sku, name, quantity, unit_price_minor)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(order_id uuid, product_id uuid,
      warehouse_id uuid, sku text, name text, quantity int, unit_price_minor bigint)`;
}

/** Replace an order's items: per (product, warehouse) from where a reservation holds them, priced now. */
export async function writeItems(
  trx: Transaction<Database>,
  orderId: string,
  lines: { sku: string; warehouseId: string; quantity: number }[],
  prices: Map<string, PricedLine>,
): Promise<void> {
  await trx.deleteFrom('orderItems').where('orderId', '=', orderId).execute();
  await insertItems(itemRows(orderId, lines, prices).rows).execute(trx);
}

/**
 * A new order as `insertOrder` returns it (its number aside: the statement fills
 * it in): the columns it sets, the defaults of the others, created `now`.
 */
function foreseeNew(values: Insertable<Database['orders']>, items: OrderItem[], now: string): Order {
  const row = {
    buyerId: null,
    customerName: null,
    customerEmail: null,
    shipToAddress: null,
    reservationId: null,
    expiresAt: null,
    shortages: null,
    paymentReference: null,
    lastPaymentError: null,
    cancelReason: null,
    ...values,
    number: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  // `toOrder` reads dates as Date or ISO string alike (iso()); the rest has the row's types.
  return toOrder(row as unknown as OrderRow, items);
}

/**
 * Create an order with its items and its `order.created`-style event in one
 * statement; returns the order.
 */
export async function insertOrder(
  trx: Transaction<Database>,
  values: Insertable<Database['orders']>,
  lines: { sku: string; warehouseId: string; quantity: number }[],
  prices: Map<string, PricedLine>,
  event: OrderEventSpec,
  /** Store the call's answer in the same statement: the new order, created `now` (the transaction's clock). */
  answer?: { store: AnswerStore; now: string },
): Promise<Order> {
  const id = values.id as string;
  const { rows, items } = itemRows(id, lines, prices);
  // One text whatever the number of items (a recordset, not a VALUES row each): prepared once per connection.
  const inserted = await sql<OrderRow>`${sql.raw(PREPARED_MARK)}
    with o as (${trx.insertInto('orders').values(values).returning(ORDER_COLUMNS)}),
    i as (${insertItems(rows)}),
    e as (${orderEventSelect('o', event)})
    ${answer ? answer.store.ctes(foreseeNew(values, items, answer.now), { field: 'number', value: sql`(select number from o)` }) : sql.raw('')}
    select * from o`.execute(trx);
  return toOrder(inserted.rows[0] as OrderRow, items);
}

/**
 * Lock the order's reservation, then the order (the global lock order).
 * Returns undefined when the order does not exist.
 */
export async function lockOrder(trx: Transaction<Database>, id: string) {
  // The reservation row of the order, locked (an order's reservation is fixed
  // while the order is pending; a later change of it takes this same lock first).
  const reservation = await trx
    .selectFrom('reservations as r')
    .modifyFront(sql.raw(PREPARED_MARK))
    .innerJoin('orders as o', 'o.reservationId', 'r.id')
    .select([
      'r.id',
      'r.status',
      'r.expiresAt',
      'r.holdLimitAt',
      'r.ownerUserId',
      sql<boolean>`r.expires_at <= now()`.as('due'),
    ])
    .where('o.id', '=', id)
    .forNoKeyUpdate('r')
    .executeTakeFirst();
  if (!reservation) {
    // No reservation to lock first (none exists for this id): the order alone, then its items.
    const row = await trx
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', id)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!row) return undefined;
    return { order: toOrder(row, (await itemsOf(trx, [id])).get(id) ?? []), reservation, now: undefined };
  }
  // The order and its items in one statement. Its snapshot is as fresh as a
  // separate read's: whoever changes an order or its items holds its
  // reservation's lock first, which we now hold, so this never waits on the row.
  const row = await trx
    .selectFrom('orders')
    .modifyFront(sql.raw(PREPARED_MARK))
    .select(ORDER_COLUMNS)
    .select([
      sql<OrderItem[]>`coalesce((
        select json_agg(json_build_object('sku', i.sku, 'name', i.name, 'quantity', i.quantity,
                                          'unitPriceMinor', i.unit_price_minor, 'warehouseId', i.warehouse_id)
                        order by i.sku, i.warehouse_id)
        from order_items i where i.order_id = orders.id), '[]')`.as('items'),
      sql<Date>`now()`.as('now'),
    ])
    .where('id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  // `now`: the transaction's clock, which the order's next update writes (see setStatus).
  const { items, now, ...order } = row;
  return { order: toOrder(order, items), reservation, now };
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
