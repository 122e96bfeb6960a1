/**
 * After payment: staff move an order through picking → shipped (one shipment
 * per warehouse) → delivered, resolve needs_attention, or cancel it (held
 * stock released, committed stock restocked and offered to the waitlist).
 */
import type { OrderStatus } from '@stockroom/db';
import { sql } from 'kysely';
import type { z } from 'zod';
import { endHold } from '../holds/index.js';
import { runMutation } from '../idempotency/index.js';
import { applyStockChanges } from '../ledger/index.js';
import { actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { iso } from '../shared/dto.js';
import { DomainError, invalidTransition, notFound, validationFailed } from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import { offerFreedStock } from '../waitlist/index.js';
import {
  assertMayOperate,
  lockOrder,
  orderEvent,
  reReserveAndConfirm,
  setStatus,
  warehousesOf,
} from './order-writes.js';
import {
  type Order,
  type OrderOptions,
  type Shipment,
  ZCancelInput,
  ZShipInput,
  ZUpdateStatusInput,
} from './schemas.js';

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
    // MANUAL leaves two moves here: paid → picking and shipped → delivered.
    const type = data.status === 'delivered' ? 'order.delivered' : 'order.picking';
    await orderEvent(trx, next, type, label, { from: order.status });
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
    // Units on a truck are not on the shelf: once any part has shipped, the order
    // cannot be cancelled (restocking would sell shipped units twice).
    const shipped = await trx
      .selectFrom('shipments')
      .select('id')
      .where('orderId', '=', order.id)
      .limit(1)
      .execute();
    if (shipped.length > 0) {
      throw new DomainError(
        'INVALID_TRANSITION',
        `Order ${order.number} has shipped in part and cannot be cancelled; return the shipped units instead`,
        { from: order.status, to: 'cancelled', shipped: true },
      );
    }
    const label = actorLabel(ctx.actor);
    if (order.status === 'pending_payment' && reservation?.status === 'pending') {
      await offerFreedStock(trx, await endHold(trx, reservation.id, 'released', label));
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
