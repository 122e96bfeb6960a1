/**
 * Payments: the provider took the money (commit the hold, or re-reserve after
 * it ended, or needs_attention when the stock is gone), a payment failed, or
 * the hold expired unpaid.
 */
import type { Database } from '@stockroom/db';
import { sql, type Transaction } from 'kysely';
import type { z } from 'zod';
import { appendEvents } from '../events/index.js';
import { endHold } from '../holds/index.js';
import { type AnswerStore, runMutation } from '../idempotency/index.js';
import { assertTokenMayActAt } from '../shared/access.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { invalidTransition, isDomainError, notFound, type Shortage } from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import { offerFreedStock } from '../waitlist/index.js';
import { lockOrder, orderEvent, reReserveAndConfirm, setStatus } from './order-writes.js';
import { mustLoad } from './queries.js';
import { type Order, type OrderOptions, ZPaymentFailedInput, ZPaymentSucceededInput } from './schemas.js';

async function paymentSucceededInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: z.output<typeof ZPaymentSucceededInput>,
  options: OrderOptions,
  answer: AnswerStore,
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
    const paid = await setStatus(
      trx,
      order.id,
      'paid',
      { paymentReference: input.paymentReference, expiresAt: null },
      order.items,
      { type: 'order.paid', actor: label },
      // The answer is stored by the same statement (the order as it will be, foreseen).
      locked.now && { store: answer, was: order, now: locked.now },
    );
    return paid;
  }
  // The hold ended before the money arrived: end it properly if the sweeper has
  // not yet, then try to reserve the same items again.
  if (reservation && reservation.status === 'pending') {
    await offerFreedStock(trx, await endHold(trx, reservation.id, 'expired', label));
  }
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
  return runMutation(ctx.db, ctx.idempotency, input, (trx, answer) =>
    paymentSucceededInTrx(trx, ctx.actor, data, options, answer),
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
 * Called with the reservation rows locked, when their holds expire: their
 * unpaid orders expire with them, in the same transaction (two statements for
 * any number of holds).
 */
export async function expireOrdersOfReservations(
  trx: Transaction<Database>,
  reservationIds: string[],
  actor: string,
): Promise<void> {
  if (reservationIds.length === 0) return;
  const rows = await trx
    .updateTable('orders')
    .set({ status: 'expired', version: sql`version + 1`, updatedAt: sql`now()` })
    .where('reservationId', 'in', reservationIds)
    .where('status', '=', 'pending_payment')
    .returning(['id', 'number', 'status', 'version'])
    .execute();
  await appendEvents(
    trx,
    rows.map((order) => ({
      type: 'order.expired',
      aggregateType: 'order',
      aggregateId: order.id,
      payload: { id: order.id, number: order.number, status: order.status, version: order.version, actor },
    })),
  );
}
