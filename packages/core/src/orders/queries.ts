/** Reading orders: one with its shipments, or a page of them (buyers see their own). */
import { type Database, type Db, PREPARED_MARK } from '@stockroom/db';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../shared/actor.js';
import { decodeCursor } from '../shared/cursor.js';
import { iso } from '../shared/dto.js';
import { forbidden, notFound, type Shortage } from '../shared/errors.js';
import { paginate } from '../shared/paginate.js';
import { type Page, ZUuid } from '../shared/schemas.js';
import { parseInput } from '../shared/validate.js';
import {
  type Order,
  type OrderItem,
  type OrderWithShipments,
  ZOrderIdInput,
  ZOrdersListInput,
} from './schemas.js';

/**
 * Every column of an order, named: a prepared statement that said `*` would
 * fail with "cached plan must not change result type" on each warm connection
 * once a migration adds a column (a rolling upgrade's old processes).
 */
export const ORDER_COLUMNS = [
  'id',
  'number',
  'status',
  'buyerId',
  'customerName',
  'customerEmail',
  'shipToLatitude',
  'shipToLongitude',
  'shipToAddress',
  'currency',
  'subtotalMinor',
  'taxMinor',
  'totalMinor',
  'reservationId',
  'expiresAt',
  'version',
  'shortages',
  'paymentReference',
  'lastPaymentError',
  'cancelReason',
  'createdBy',
  'createdAt',
  'updatedAt',
] as const;

export type OrderRow = Awaited<ReturnType<typeof orderRows>>[number];

function orderRows(db: Kysely<Database>, ids: string[]) {
  return db.selectFrom('orders').select(ORDER_COLUMNS).where('id', 'in', ids).execute();
}

export async function itemsOf(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0) return new Map<string, OrderItem[]>();
  const rows = await db
    .selectFrom('orderItems')
    .modifyFront(sql.raw(PREPARED_MARK))
    .select(['orderId', 'sku', 'name', 'quantity', 'unitPriceMinor', 'warehouseId'])
    .where('orderId', '=', sql<string>`any(${ids}::uuid[])`)
    .orderBy('sku')
    .orderBy('warehouseId')
    .execute();
  const byOrder = new Map<string, OrderItem[]>();
  for (const { orderId, ...item } of rows) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), item]);
  return byOrder;
}

export function toOrder(row: OrderRow, items: OrderItem[]): Order {
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

async function loadOrder(db: Kysely<Database>, id: string): Promise<Order | undefined> {
  const [row] = await orderRows(db, [id]);
  if (!row) return undefined;
  return toOrder(row, (await itemsOf(db, [id])).get(id) ?? []);
}

export async function mustLoad(db: Kysely<Database>, id: string): Promise<Order> {
  const order = await loadOrder(db, id);
  if (!order) throw notFound(`Order ${id}`, { id });
  return order;
}

function canRead(actor: Actor, order: { buyerId: string | null; items: { warehouseId: string }[] }): boolean {
  // A service token limited to warehouses reads only orders served (in part) there.
  if (actor.kind === 'service' && actor.warehouseIds) {
    const mine = new Set(actor.warehouseIds);
    return order.items.some((i) => mine.has(i.warehouseId));
  }
  if (actor.kind !== 'user') return true;
  if (actor.role === 'admin' || actor.role === 'staff') return true;
  return actor.role === 'buyer' && order.buyerId === actor.id;
}

/**
 * Staff act on an order only when every warehouse the act touches is theirs:
 * the whole order (status, cancel with restock) or one warehouse's part
 * (shipping it). Admins and the system act on all.
 */
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
  if (actor.kind === 'service' && actor.warehouseIds) {
    const limited =
      actor.warehouseIds.length > 0 ? actor.warehouseIds : ['00000000-0000-0000-0000-000000000000'];
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('orderItems as i')
          .select(sql`1`.as('one'))
          .whereRef('i.orderId', '=', 'o.id')
          .where('i.warehouseId', 'in', limited),
      ),
    );
  }
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
  return { items: page.map((k) => toOrder(rows.get(k.id) as OrderRow, items.get(k.id) ?? [])), nextCursor };
}

function orderRowsOrEmpty(db: Kysely<Database>, ids: string[]) {
  return ids.length === 0 ? Promise.resolve([]) : orderRows(db, ids);
}
