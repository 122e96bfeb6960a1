/**
 * Orders come into being: checkout (pending payment, with a timed hold) and
 * direct orders (already paid: stock is committed at once).
 */
import type { Database } from '@stockroom/db';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { endHold, lockReservation, reserveOne } from '../holds/index.js';
import { type AnswerStore, runMutation } from '../idempotency/index.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import type { MutationContext } from '../shared/context.js';
import { validationFailed } from '../shared/errors.js';
import { parseInput } from '../shared/validate.js';
import { buyerOf, loadCart } from './cart.js';
import { insertOrder, orderEvent, type PricedLine, pricedAt, priceSkus, writeItems } from './order-writes.js';
import { priceLines } from './pricing.js';
import { mustLoad } from './queries.js';
import { type Order, type OrderOptions, ZCheckoutInput, ZDirectOrderInput } from './schemas.js';

async function checkoutInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: z.output<typeof ZCheckoutInput>,
  options: OrderOptions,
  answer: AnswerStore,
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
  const reservation = await reserveOne(
    trx,
    actor,
    {
      lines,
      shipTo: { latitude: input.shipTo.latitude, longitude: input.shipTo.longitude },
      strategy: 'nearest',
      reference: `order:${orderId}`,
    },
    options,
    activeProducts(prices),
  );
  const order = await insertOrder(
    trx,
    {
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
    },
    reservation.lines,
    prices,
    { type: 'order.created', actor: actorLabel(actor), extra: { totalMinor: totals.totalMinor } },
    // The answer is stored by the same statement; the hold was dated by the transaction's clock too.
    { store: answer, now: reservation.createdAt },
  );
  if (!input.lines && isBuyer)
    await trx.deleteFrom('cartItems').where('buyerId', '=', buyerOf(actor)).execute();
  return order;
}

/** The priced products (priceSkus refuses unknown and archived ones), as the reserve step takes them. */
const activeProducts = (prices: Map<string, PricedLine>) =>
  new Map([...prices.values()].map((p) => [p.sku, { id: p.productId, sku: p.sku }]));

/** Checkout: the order (pending payment) and its hold, in one transaction. */
export function startCheckout(
  ctx: MutationContext,
  input: z.input<typeof ZCheckoutInput>,
  options: OrderOptions = {},
): Promise<Order> {
  const data = parseInput(ZCheckoutInput, input);
  return runMutation(ctx.db, ctx.idempotency, input, (trx, answer) =>
    checkoutInTrx(trx, ctx.actor, data, options, answer),
  ).then((r) => r.result);
}

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
    const reservation = await reserveOne(
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
