/**
 * Orders (SPEC §4): checkout with a timed hold, payments, direct orders, the
 * lifecycle paid → picking → shipped → delivered, cancellation with restock,
 * shipments per warehouse.
 *
 * Lock order, everywhere: the reservation row, then the order row, then stock
 * rows (in their global order). The expiry sweeper follows the same order, so
 * payments, cancellations and expiry never deadlock each other.
 */
import type { Database, Db, OrderStatus } from '@stockroom/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { appendEvents } from '../events/outbox.js';
import { runMutation } from '../idempotency/idempotency.js';
import { applyStockChanges } from '../inventory/stock-change.js';
import {
  createReservationInTrx,
  endHold,
  lockReservation,
  type ReserveOptions,
} from '../reservations/reservations.js';
import { assertTokenMayActAt } from '../shared/access.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { decodeCursor } from '../shared/cursor.js';
import { iso } from '../shared/dto.js';
import {
  DomainError,
  forbidden,
  invalidTransition,
  isDomainError,
  notFound,
  type Shortage,
  validationFailed,
} from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import {
  type Page,
  ZCursor,
  ZDirection,
  ZLatitude,
  ZLimit,
  ZLongitude,
  ZQuantity,
  ZSku,
  ZUuid,
} from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import { offerFreedStock } from '../waitlist/waitlist.js';
import { buyerOf, loadCart } from './cart.js';
import { type PricingOptions, priceLines } from './pricing.js';

export type OrderOptions = ReserveOptions & PricingOptions;

export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'needs_attention',
  'picking',
  'shipped',
  'delivered',
  'cancelled',
  'expired',
] as const satisfies readonly OrderStatus[];

export const ZShipTo = z
  .object({
    latitude: ZLatitude,
    longitude: ZLongitude,
    address: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
const ZOrderLine = z.object({ sku: ZSku, quantity: ZQuantity }).strict();
export const ZCheckoutInput = z
  .object({ shipTo: ZShipTo, lines: z.array(ZOrderLine).min(1).max(100).optional() })
  .strict();
export const ZPaymentSucceededInput = z
  .object({ orderId: ZUuid, paymentReference: z.string().trim().min(1).max(200) })
  .strict();
export const ZPaymentFailedInput = z
  .object({ orderId: ZUuid, reason: z.string().trim().min(1).max(500) })
  .strict();
export const ZDirectOrderInput = z
  .object({
    lines: z
      .array(z.object({ sku: ZSku, quantity: ZQuantity, warehouseId: ZUuid.optional() }).strict())
      .min(1)
      .max(100),
    customer: z.object({ name: z.string().trim().min(1).max(200), email: z.email().max(254) }).strict(),
    shipTo: ZShipTo,
  })
  .strict();
export const ZOrdersListInput = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    warehouseId: ZUuid.optional(),
    cursor: ZCursor.optional(),
    limit: ZLimit,
    direction: ZDirection,
  })
  .strict();
export const ZOrderIdInput = z.object({ id: ZUuid }).strict();
export const ZUpdateStatusInput = z
  .object({ id: ZUuid, status: z.enum(ORDER_STATUSES), expectedVersion: z.number().int().min(1).optional() })
  .strict();
export const ZCancelInput = z.object({ id: ZUuid, reason: z.string().trim().min(1).max(500) }).strict();
export const ZShipInput = z
  .object({
    id: ZUuid,
    warehouseId: ZUuid,
    carrier: z.string().trim().min(1).max(100),
    trackingNumber: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w .:/-]+$/, 'letters, digits, spaces and . : / - _'),
  })
  .strict();

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  warehouseId: string;
}

export interface Shipment {
  id: string;
  orderId: string;
  warehouseId: string;
  carrier: string;
  trackingNumber: string;
  status: 'shipped' | 'delivered';
  shippedAt: string;
  deliveredAt: string | null;
}

export interface Order {
  id: string;
  number: number;
  status: OrderStatus;
  currency: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  items: OrderItem[];
  reservationId: string | null;
  expiresAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  buyerId: string | null;
  customer: { name: string | null; email: string | null };
  shipTo: { latitude: number; longitude: number; address: string | null };
  /** Why the order needs attention (late payment without stock). */
  shortages: Shortage[] | null;
  paymentReference: string | null;
  lastPaymentError: string | null;
  cancelReason: string | null;
}

export interface OrderWithShipments extends Order {
  shipments: Shipment[];
}

// ---------------------------------------------------------------- reading

type OrderRow = Awaited<ReturnType<typeof orderRows>>[number];

function orderRows(db: Kysely<Database>, ids: string[]) {
  return db.selectFrom('orders').selectAll().where('id', 'in', ids).execute();
}

async function itemsOf(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0) return new Map<string, OrderItem[]>();
  const rows = await db
    .selectFrom('orderItems')
    .select(['orderId', 'sku', 'name', 'quantity', 'unitPriceMinor', 'warehouseId'])
    .where('orderId', 'in', ids)
    .orderBy('sku')
    .orderBy('warehouseId')
    .execute();
  const byOrder = new Map<string, OrderItem[]>();
  for (const { orderId, ...item } of rows) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), item]);
  return byOrder;
}

function toOrder(row: OrderRow, items: OrderItem[]): Order {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    currency: row.currency.trim(),
    subtotalMinor: row.subtotalMinor,
    taxMinor: row.taxMinor,
    totalMinor: row.totalMinor,
    items,
    reservationId: row.reservationId,
    expiresAt: row.expiresAt ? iso(row.expiresAt) : null,
    version: row.version,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    buyerId: row.buyerId,
    customer: { name: row.customerName, email: row.customerEmail },
    shipTo: { latitude: row.shipToLatitude, longitude: row.shipToLongitude, address: row.shipToAddress },
    shortages: (row.shortages as Shortage[] | null) ?? null,
    paymentReference: row.paymentReference,
    lastPaymentError: row.lastPaymentError,
    cancelReason: row.cancelReason,
  };
}

export async function loadOrder(db: Kysely<Database>, id: string): Promise<Order | undefined> {
  const [row] = await orderRows(db, [id]);
  if (!row) return undefined;
  return toOrder(row, (await itemsOf(db, [id])).get(id) ?? []);
}

async function mustLoad(db: Kysely<Database>, id: string): Promise<Order> {
  const order = await loadOrder(db, id);
  if (!order) throw notFound(`Order ${id}`, { id });
  return order;
}

function canRead(actor: Actor, order: { buyerId: string | null }): boolean {
  if (actor.kind !== 'user') return true;
  if (actor.role === 'admin' || actor.role === 'staff') return true;
  return actor.role === 'buyer' && order.buyerId === actor.id;
}

/**
 * Staff act on an order only when every warehouse the act touches is theirs:
 * the whole order (status, cancel with restock) or one warehouse's part
 * (shipping it). Admins and the system act on all.
 */
function assertMayOperate(actor: Actor, warehouseIds: string[]): void {
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

const warehousesOf = (order: Order) => order.items.map((i) => i.warehouseId);

export async function getOrder(db: Db, actor: Actor, input: { id: string }): Promise<OrderWithShipments> {
  const { id } = parseInput(ZOrderIdInput, input);
  const order = await mustLoad(db, id);
  if (!canRead(actor, order)) throw forbidden('This order is not yours');
  const shipments = await db
    .selectFrom('shipments')
    .selectAll()
    .where('orderId', '=', id)
    .orderBy('shippedAt')
    .execute();
  return {
    ...order,
    shipments: shipments.map(({ createdBy: _c, ...s }) => ({
      ...s,
      shippedAt: iso(s.shippedAt),
      deliveredAt: s.deliveredAt ? iso(s.deliveredAt) : null,
    })),
  };
}

/** Newest first; buyers see only their own orders. */
export async function listOrders(
  db: Db,
  actor: Actor,
  input: z.input<typeof ZOrdersListInput>,
): Promise<Page<Order>> {
  const data = parseInput(ZOrdersListInput, input);
  let query = db.selectFrom('orders as o').select(['o.id', 'o.createdAt']);
  if (actor.kind === 'user' && actor.role === 'buyer') query = query.where('o.buyerId', '=', actor.id);
  else if (actor.kind === 'user' && actor.role === 'seller')
    throw forbidden('Sellers see sales through their products');
  if (data.status) query = query.where('o.status', '=', data.status);
  if (data.warehouseId) {
    const warehouseId = data.warehouseId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('orderItems as i')
          .select(sql`1`.as('one'))
          .whereRef('i.orderId', '=', 'o.id')
          .where('i.warehouseId', '=', warehouseId),
      ),
    );
  }
  if (data.cursor) {
    const [createdAt, id] = decodeCursor(data.cursor, z.tuple([z.string().max(64), ZUuid]));
    query = query.where(sql<boolean>`(o.created_at, o.id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const { rows: page, nextCursor } = await paginate(
    data.limit,
    (take) =>
      query
        .select(sql<string>`o.created_at::text`.as('createdAtKey'))
        .orderBy('o.createdAt', 'desc')
        .orderBy('o.id', 'desc')
        .limit(take)
        .execute(),
    (last) => [last.createdAtKey, last.id],
  );
  const rows = new Map(
    (
      await orderRowsOrEmpty(
        db,
        page.map((k) => k.id),
      )
    ).map((r) => [r.id, r]),
  );
  const items = await itemsOf(
    db,
    page.map((k) => k.id),
  );
  return {
    items: page.map((k) => toOrder(rows.get(k.id) as OrderRow, items.get(k.id) ?? [])),
    nextCursor,
  };
}

function orderRowsOrEmpty(db: Kysely<Database>, ids: string[]) {
  return ids.length === 0 ? Promise.resolve([]) : orderRows(db, ids);
}

// ---------------------------------------------------------------- writing helpers

async function orderEvent(trx: Kysely<Database>, order: Order, type: string, actor: string, extra = {}) {
  await appendEvents(trx, [
    {
      type,
      aggregateType: 'order',
      aggregateId: order.id,
      payload: {
        id: order.id,
        number: order.number,
        status: order.status,
        version: order.version,
        actor,
        ...extra,
      },
    },
  ]);
}

async function setStatus(
  trx: Kysely<Database>,
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

interface PricedLine {
  productId: string;
  sku: string;
  name: string;
  unitPriceMinor: number;
  currency: string;
}

async function priceSkus(trx: Kysely<Database>, skus: string[]): Promise<Map<string, PricedLine>> {
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

const pricedAt = (lines: { sku: string; quantity: number }[], prices: Map<string, PricedLine>) =>
  lines.map((l) => ({
    quantity: l.quantity,
    unitPriceMinor: (prices.get(l.sku) as PricedLine).unitPriceMinor,
  }));

/** Items per (product, warehouse) from where a reservation holds them, priced now. */
async function writeItems(
  trx: Kysely<Database>,
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

// ---------------------------------------------------------------- checkout

async function checkoutInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: z.output<typeof ZCheckoutInput>,
  options: OrderOptions,
): Promise<Order> {
  const isBuyer = actor.kind === 'user' && actor.role === 'buyer';
  let lines = input.lines;
  if (!lines) {
    if (!isBuyer)
      throw validationFailed('Give the lines to check out (only a buyer has a cart)', { field: 'lines' });
    const cart = await loadCart(trx, buyerOf(actor));
    if (cart.items.length === 0) throw validationFailed('The cart is empty', { field: 'lines' });
    lines = cart.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
  }
  const prices = await priceSkus(
    trx,
    lines.map((l) => l.sku),
  );
  // Priced before anything is held: a total past MAX_MONEY_MINOR is refused here.
  // (Where the units come from does not change the price.)
  const totals = priceLines(pricedAt(lines, prices), options);
  const orderId = crypto.randomUUID();
  const reservation = await createReservationInTrx(
    trx,
    actor,
    {
      lines,
      shipTo: { latitude: input.shipTo.latitude, longitude: input.shipTo.longitude },
      strategy: 'nearest',
      reference: `order:${orderId}`,
    },
    options,
  );
  await trx
    .insertInto('orders')
    .values({
      id: orderId,
      status: 'pending_payment',
      buyerId: isBuyer ? (actor as { id: string }).id : null,
      shipToLatitude: input.shipTo.latitude,
      shipToLongitude: input.shipTo.longitude,
      shipToAddress: input.shipTo.address ?? null,
      currency: [...prices.values()][0]?.currency ?? 'USD',
      ...totals,
      reservationId: reservation.id,
      expiresAt: reservation.expiresAt,
      createdBy: actorLabel(actor),
    })
    .execute();
  await writeItems(trx, orderId, reservation.lines, prices);
  if (!input.lines && isBuyer)
    await trx.deleteFrom('cartItems').where('buyerId', '=', buyerOf(actor)).execute();
  const order = await mustLoad(trx, orderId);
  await orderEvent(trx, order, 'order.created', actorLabel(actor), { totalMinor: order.totalMinor });
  return order;
}

/** Checkout: the order (pending payment) and its hold, in one transaction. */
export function startCheckout(
  ctx: MutationContext,
  input: z.input<typeof ZCheckoutInput>,
  options: OrderOptions = {},
): Promise<Order> {
  const data = parseInput(ZCheckoutInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, (trx) =>
    checkoutInTrx(trx, ctx.actor, data, options),
  ).then((r) => r.result);
}

// ---------------------------------------------------------------- payments

/**
 * Lock the order's reservation, then the order (the global lock order).
 * Returns undefined when the order does not exist.
 */
async function lockOrder(trx: Kysely<Database>, id: string) {
  const peek = await trx.selectFrom('orders').select('reservationId').where('id', '=', id).executeTakeFirst();
  if (!peek) return undefined;
  const reservation = peek.reservationId ? await lockReservation(trx, peek.reservationId) : undefined;
  await trx.selectFrom('orders').select('id').where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
  return { order: await mustLoad(trx, id), reservation };
}

/** Reserve the order's items again (after its hold ended) and confirm at once. */
async function reReserveAndConfirm(
  trx: Transaction<Database>,
  actor: Actor,
  order: Order,
  options: OrderOptions,
) {
  const totals = new Map<string, number>();
  for (const item of order.items) totals.set(item.sku, (totals.get(item.sku) ?? 0) + item.quantity);
  const reservation = await createReservationInTrx(
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

async function paymentSucceededInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: z.output<typeof ZPaymentSucceededInput>,
  options: OrderOptions,
): Promise<Order> {
  const locked = await lockOrder(trx, input.orderId);
  if (!locked) throw notFound(`Order ${input.orderId}`, { id: input.orderId });
  const { order, reservation } = locked;
  assertTokenMayActAt(
    actor,
    order.items.map((i) => i.warehouseId),
  );
  const label = actorLabel(actor);
  // A provider retrying, or a second callback for the same order: one confirmation.
  if (['paid', 'picking', 'shipped', 'delivered', 'needs_attention'].includes(order.status)) return order;
  if (order.status === 'cancelled') throw invalidTransition('order', order.status, 'paid');

  // The hold was committed without the payment (possible only before confirms of
  // order holds were refused): its units already left stock, so never take them twice.
  const committed = reservation?.status === 'confirmed';
  if (reservation && (committed || (reservation.status === 'pending' && !reservation.due))) {
    if (!committed) await endHold(trx, reservation.id, 'confirmed', label);
    const paid = await setStatus(trx, order.id, 'paid', {
      paymentReference: input.paymentReference,
      expiresAt: null,
    });
    await orderEvent(trx, paid, 'order.paid', label);
    return paid;
  }
  // The hold ended before the money arrived: end it properly if the sweeper has
  // not yet, then try to reserve the same items again.
  if (reservation && reservation.status === 'pending') await endHold(trx, reservation.id, 'expired', label);
  try {
    const again = await reReserveAndConfirm(trx, actor, order, options);
    const paid = await setStatus(trx, order.id, 'paid', {
      paymentReference: input.paymentReference,
      reservationId: again.id,
      expiresAt: null,
    });
    await orderEvent(trx, paid, 'order.paid', label, { reReserved: true });
    return paid;
  } catch (error) {
    if (!isDomainError(error) || (error.code !== 'INSUFFICIENT_STOCK' && error.code !== 'NOT_FOUND'))
      throw error;
    const shortages: Shortage[] =
      error.code === 'INSUFFICIENT_STOCK'
        ? (error.details.shortages as Shortage[])
        : ((error.details.skus as string[]) ?? []).map((sku) => ({
            sku,
            requested: order.items.filter((i) => i.sku === sku).reduce((s, i) => s + i.quantity, 0),
            available: 0,
          }));
    const attention = await setStatus(trx, order.id, 'needs_attention', {
      paymentReference: input.paymentReference,
      shortages: JSON.stringify(shortages),
      expiresAt: null,
    });
    await orderEvent(trx, attention, 'order.needs_attention', label, { shortages });
    return attention;
  }
}

/** The payment provider took the money. Idempotent: a retried callback confirms once. */
export function paymentSucceeded(
  ctx: MutationContext,
  input: z.input<typeof ZPaymentSucceededInput>,
  options: OrderOptions = {},
): Promise<Order> {
  const data = parseInput(ZPaymentSucceededInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, (trx) =>
    paymentSucceededInTrx(trx, ctx.actor, data, options),
  ).then((r) => r.result);
}

/** A payment attempt failed: the order keeps waiting for a retry until its hold ends. */
export function paymentFailed(
  ctx: MutationContext,
  input: z.input<typeof ZPaymentFailedInput>,
): Promise<Order> {
  const data = parseInput(ZPaymentFailedInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const locked = await lockOrder(trx, data.orderId);
    if (!locked) throw notFound(`Order ${data.orderId}`, { id: data.orderId });
    assertTokenMayActAt(
      ctx.actor,
      locked.order.items.map((i) => i.warehouseId),
    );
    if (locked.order.status !== 'pending_payment') return locked.order;
    await trx
      .updateTable('orders')
      .set({ lastPaymentError: data.reason, updatedAt: sql`now()` })
      .where('id', '=', data.orderId)
      .execute();
    const order = await mustLoad(trx, data.orderId);
    await orderEvent(trx, order, 'order.payment_failed', actorLabel(ctx.actor), { reason: data.reason });
    return order;
  }).then((r) => r.result);
}

/**
 * Called with the reservation row locked, when its hold expires: an unpaid
 * order expires with it, in the same transaction.
 */
export async function expireOrderOfReservation(trx: Kysely<Database>, reservationId: string, actor: string) {
  const row = await trx
    .updateTable('orders')
    .set({ status: 'expired', version: sql`version + 1`, updatedAt: sql`now()` })
    .where('reservationId', '=', reservationId)
    .where('status', '=', 'pending_payment')
    .returning('id')
    .executeTakeFirst();
  if (row) await orderEvent(trx, await mustLoad(trx, row.id), 'order.expired', actor);
}

// ---------------------------------------------------------------- direct orders

/** An order that is already paid (phone sale, marketplace): stock is committed at once. */
export function createPaidOrder(
  ctx: MutationContext,
  input: z.input<typeof ZDirectOrderInput>,
  options: OrderOptions = {},
): Promise<Order> {
  const data = parseInput(ZDirectOrderInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const prices = await priceSkus(
      trx,
      data.lines.map((l) => l.sku),
    );
    const totals = priceLines(pricedAt(data.lines, prices), options);
    const orderId = crypto.randomUUID();
    const label = actorLabel(ctx.actor);
    const reservation = await createReservationInTrx(
      trx,
      ctx.actor,
      {
        lines: data.lines,
        shipTo: { latitude: data.shipTo.latitude, longitude: data.shipTo.longitude },
        strategy: 'nearest',
        reference: `order:${orderId}`,
      },
      options,
    );
    await lockReservation(trx, reservation.id);
    await endHold(trx, reservation.id, 'confirmed', label);
    await trx
      .insertInto('orders')
      .values({
        id: orderId,
        status: 'paid',
        buyerId: null,
        customerName: data.customer.name,
        customerEmail: data.customer.email,
        shipToLatitude: data.shipTo.latitude,
        shipToLongitude: data.shipTo.longitude,
        shipToAddress: data.shipTo.address ?? null,
        currency: [...prices.values()][0]?.currency ?? 'USD',
        ...totals,
        reservationId: reservation.id,
        createdBy: label,
      })
      .execute();
    await writeItems(trx, orderId, reservation.lines, prices);
    const order = await mustLoad(trx, orderId);
    await orderEvent(trx, order, 'order.created', label, { totalMinor: order.totalMinor });
    await orderEvent(trx, order, 'order.paid', label);
    return order;
  }).then((r) => r.result);
}

// ---------------------------------------------------------------- lifecycle

/** The moves staff make by hand. Shipping happens per warehouse through `shipOrder`. */
const MANUAL: Partial<Record<OrderStatus, OrderStatus[]>> = {
  paid: ['picking'],
  shipped: ['delivered'],
  needs_attention: ['paid'],
};

export function updateOrderStatus(
  ctx: MutationContext,
  input: z.input<typeof ZUpdateStatusInput>,
  options: OrderOptions = {},
): Promise<Order> {
  const data = parseInput(ZUpdateStatusInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const locked = await lockOrder(trx, data.id);
    if (!locked) throw notFound(`Order ${data.id}`, { id: data.id });
    const { order } = locked;
    assertMayOperate(ctx.actor, warehousesOf(order));
    if (data.expectedVersion !== undefined && data.expectedVersion !== order.version) {
      throw new DomainError(
        'VERSION_MISMATCH',
        `Someone changed this order first: version ${order.version} is current — reload and try again`,
        { currentVersion: order.version, current: order },
      );
    }
    if (!(MANUAL[order.status] ?? []).includes(data.status)) {
      throw invalidTransition('order', order.status, data.status);
    }
    const label = actorLabel(ctx.actor);
    if (order.status === 'needs_attention') {
      // Stock arrived since: allocate and commit it now, or say what is still short.
      const again = await reReserveAndConfirm(trx, ctx.actor, order, options);
      // Staff commit stock only at their own warehouses (rolled back otherwise).
      assertMayOperate(
        ctx.actor,
        again.lines.map((l) => l.warehouseId),
      );
      const paid = await setStatus(trx, order.id, 'paid', { reservationId: again.id, shortages: null });
      await orderEvent(trx, paid, 'order.paid', label, { resolved: true });
      return paid;
    }
    if (data.status === 'delivered') {
      await trx
        .updateTable('shipments')
        .set({ status: 'delivered', deliveredAt: sql`now()` })
        .where('orderId', '=', order.id)
        .execute();
    }
    const next = await setStatus(trx, order.id, data.status);
    await orderEvent(trx, next, `order.${data.status}`, label, { from: order.status });
    return next;
  }).then((r) => r.result);
}

/** One shipment per warehouse of the order; the order is shipped when every warehouse has shipped. */
export function shipOrder(ctx: MutationContext, input: z.input<typeof ZShipInput>): Promise<Shipment> {
  const data = parseInput(ZShipInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const locked = await lockOrder(trx, data.id);
    if (!locked) throw notFound(`Order ${data.id}`, { id: data.id });
    const { order } = locked;
    assertMayOperate(ctx.actor, [data.warehouseId]);
    if (order.status !== 'picking') throw invalidTransition('order', order.status, 'shipped');
    const warehouses = new Set(order.items.map((i) => i.warehouseId));
    if (!warehouses.has(data.warehouseId)) {
      throw validationFailed('Nothing of this order is held at that warehouse', {
        warehouseId: data.warehouseId,
      });
    }
    const label = actorLabel(ctx.actor);
    const inserted = await trx
      .insertInto('shipments')
      .values({
        orderId: order.id,
        warehouseId: data.warehouseId,
        carrier: data.carrier,
        trackingNumber: data.trackingNumber,
        createdBy: label,
      })
      .onConflict((oc) => oc.columns(['orderId', 'warehouseId']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) throw validationFailed('This warehouse has already shipped its part of the order');
    const shipped = await trx
      .selectFrom('shipments')
      .select('warehouseId')
      .where('orderId', '=', order.id)
      .execute();
    const shipment: Shipment = {
      id: inserted.id,
      orderId: order.id,
      warehouseId: inserted.warehouseId,
      carrier: inserted.carrier,
      trackingNumber: inserted.trackingNumber,
      status: inserted.status,
      shippedAt: iso(inserted.shippedAt),
      deliveredAt: null,
    };
    await orderEvent(trx, order, 'order.shipment_created', label, {
      shipmentId: shipment.id,
      warehouseId: data.warehouseId,
      carrier: data.carrier,
      trackingNumber: data.trackingNumber,
    });
    if (shipped.length === warehouses.size) {
      const next = await setStatus(trx, order.id, 'shipped');
      await orderEvent(trx, next, 'order.shipped', label, { from: order.status });
    }
    return shipment;
  }).then((r) => r.result);
}

/**
 * Cancel before shipping. Held stock is released; stock already committed
 * (paid, picking) goes back on the shelf with `return` movements.
 */
export function cancelOrder(ctx: MutationContext, input: z.input<typeof ZCancelInput>): Promise<Order> {
  const data = parseInput(ZCancelInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, async (trx) => {
    const locked = await lockOrder(trx, data.id);
    if (!locked) throw notFound(`Order ${data.id}`, { id: data.id });
    const { order, reservation } = locked;
    const isOwner = ctx.actor.kind === 'user' && ctx.actor.role === 'buyer' && order.buyerId === ctx.actor.id;
    if (!isOwner) assertMayOperate(ctx.actor, warehousesOf(order));
    if (order.status === 'cancelled') return order;
    if (!['pending_payment', 'paid', 'picking', 'needs_attention'].includes(order.status)) {
      throw invalidTransition('order', order.status, 'cancelled');
    }
    const label = actorLabel(ctx.actor);
    if (order.status === 'pending_payment' && reservation?.status === 'pending') {
      await endHold(trx, reservation.id, 'released', label);
    }
    // Committed stock goes back on the shelf: paid orders, and an unpaid order whose
    // hold was confirmed directly (possible only before such confirms were refused).
    const committed = order.status === 'pending_payment' && reservation?.status === 'confirmed';
    if (order.status === 'paid' || order.status === 'picking' || committed) {
      const ids = await trx
        .selectFrom('orderItems')
        .select(['productId', 'warehouseId', 'quantity'])
        .where('orderId', '=', order.id)
        .execute();
      const result = await applyStockChanges(
        trx,
        ids.map((i) => ({
          warehouseId: i.warehouseId,
          productId: i.productId,
          kind: 'return' as const,
          onHandDelta: i.quantity,
          reason: `order ${order.number} cancelled: ${data.reason}`,
          reference: `order:${order.id}`,
        })),
        label,
      );
      if (!result.ok) throw new Error(`order ${order.id}: restock refused`);
      await offerFreedStock(trx, ids);
    }
    const cancelled = await setStatus(trx, order.id, 'cancelled', {
      cancelReason: data.reason,
      expiresAt: null,
    });
    await orderEvent(trx, cancelled, 'order.cancelled', label, { from: order.status, reason: data.reason });
    return cancelled;
  }).then((r) => r.result);
}
