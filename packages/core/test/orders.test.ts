import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  cancelOrder,
  createPaidOrder,
  createReservation,
  getCart,
  getOrder,
  isDomainError,
  joinWaitlist,
  listOrders,
  listWaitlist,
  type Order,
  paymentFailed,
  paymentSucceeded,
  releaseReservation,
  setCartItem,
  shipOrder,
  startCheckout,
  sweepExpiredReservations,
  updateOrderStatus,
  verifyLedger,
} from './core.js';
import {
  admin,
  ledgerOf,
  levelOf,
  makeProduct,
  makeWarehouse,
  outcome,
  service,
  stock,
} from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 30 });
});
afterAll(() => t.destroy());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ctx = (actor: Actor = service, key?: string) => ({
  db: t.db,
  actor,
  idempotency: key ? { principal: 'test', procedure: 'p', key } : null,
});
const shipTo = { latitude: 40.7, longitude: -74 };

async function makeBuyer(): Promise<Actor> {
  const row = await t.db
    .insertInto('users')
    .values({ email: `${crypto.randomUUID()}@buyer.test`, name: 'Buyer', passwordHash: 'x', role: 'buyer' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { kind: 'user', id: row.id, role: 'buyer', warehouseIds: [] };
}

describe('checkout under load', () => {
  it('300 concurrent checkouts against 50 units in 3 warehouses: exactly 50 units held, losers told which product', async () => {
    const ws = [
      await makeWarehouse(t.db, { latitude: 40, longitude: -74 }),
      await makeWarehouse(t.db, { latitude: 41, longitude: -88 }),
      await makeWarehouse(t.db, { latitude: 34, longitude: -118 }),
    ];
    const hot = await makeProduct(t.db, { priceMinor: 2500 });
    const filler = await makeProduct(t.db, { priceMinor: 100 });
    await stock(t.db, ws[0]?.id as string, hot.sku, 20);
    await stock(t.db, ws[1]?.id as string, hot.sku, 17);
    await stock(t.db, ws[2]?.id as string, hot.sku, 13);
    for (const w of ws) await stock(t.db, w.id, filler.sku, 10_000);

    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const carts = Array.from({ length: 300 }, () => [
      { sku: hot.sku, quantity: 1 + Math.floor(random() * 3) },
      ...(random() < 0.5 ? [{ sku: filler.sku, quantity: 1 + Math.floor(random() * 5) }] : []),
    ]);
    const results = await Promise.all(
      carts.map((lines) =>
        startCheckout(ctx(), {
          lines,
          shipTo: { latitude: 30 + random() * 15, longitude: -120 + random() * 50 },
        }).then(
          (order) => ({ order }),
          (error: unknown) => ({ error }),
        ),
      ),
    );
    const orders = results.flatMap((r) => ('order' in r ? [r.order as Order] : []));
    const errors = results.flatMap((r) => ('error' in r ? [r.error] : []));
    for (const error of errors) {
      expect(isDomainError(error) && error.code, String((error as Error)?.message ?? error)).toBe(
        'INSUFFICIENT_STOCK',
      );
      const shortages = (error as { details: { shortages: { sku: string }[] } }).details.shortages;
      expect(shortages.map((s) => s.sku)).toEqual([hot.sku]);
    }
    const heldHot = orders
      .flatMap((o) => o.items)
      .filter((i) => i.sku === hot.sku)
      .reduce((s, i) => s + i.quantity, 0);
    const levels = await Promise.all(ws.map((w) => levelOf(t.db, w.id, hot.id)));
    expect(levels.reduce((s, l) => s + l.reserved, 0)).toBe(heldHot);
    // Buyers ask for 1–3 units: the last one or two units may stay if only big carts remain.
    expect(heldHot).toBeGreaterThanOrEqual(48);
    expect(heldHot).toBeLessThanOrEqual(50);
    for (const l of levels) expect(l.available).toBeGreaterThanOrEqual(0);
    expect(
      orders.every((o) => o.status === 'pending_payment' && o.totalMinor === o.subtotalMinor + o.taxMinor),
    ).toBe(true);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);

    // Pay half, then every unit is either sold or held, never more than 50.
    await Promise.all(
      orders
        .slice(0, Math.floor(orders.length / 2))
        .map((o) => paymentSucceeded(ctx(), { orderId: o.id, paymentReference: `pay-${o.id}` })),
    );
    const after = await Promise.all(ws.map((w) => levelOf(t.db, w.id, hot.id)));
    const sold = 50 - after.reduce((s, l) => s + l.onHand, 0);
    expect(sold + after.reduce((s, l) => s + l.reserved, 0)).toBe(heldHot);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });
});

describe('order lifecycle', () => {
  async function setup(units = 10) {
    const w = await makeWarehouse(t.db, { latitude: 40.7, longitude: -74 });
    const p = await makeProduct(t.db, { priceMinor: 1999 });
    await stock(t.db, w.id, p.sku, units);
    return { w, p };
  }

  it('a buyer checks out the cart: prices, tax and items copied; the cart empties', async () => {
    const { w, p } = await setup();
    const buyer = await makeBuyer();
    await setCartItem(ctx(buyer), { sku: p.sku, quantity: 3 });
    const cart = await getCart(t.db, buyer);
    expect(cart).toMatchObject({ subtotalMinor: 5997, taxMinor: Math.round(5997 * 0.0825), currency: 'USD' });
    const order = await startCheckout(ctx(buyer), { shipTo });
    expect(order).toMatchObject({
      status: 'pending_payment',
      subtotalMinor: 5997,
      buyerId: (buyer as { id: string }).id,
    });
    expect(order.items).toEqual([
      { sku: p.sku, name: p.name, quantity: 3, unitPriceMinor: 1999, warehouseId: w.id },
    ]);
    expect((await getCart(t.db, buyer)).items).toEqual([]);
    // A price change later does not touch the order.
    await t.db.updateTable('products').set({ priceMinor: 1 }).where('id', '=', p.id).execute();
    expect((await getOrder(t.db, buyer, { id: order.id })).items[0]?.unitPriceMinor).toBe(1999);
    expect(await outcome(startCheckout(ctx(buyer), { shipTo }))).toBe('VALIDATION_FAILED');
  });

  it('payment confirms at the pinned warehouse; duplicate callbacks confirm once', async () => {
    const { w, p } = await setup(10);
    const order = await startCheckout(ctx(), { lines: [{ sku: p.sku, quantity: 4 }], shipTo });
    const first = await paymentSucceeded(ctx(service, 'pay-1'), {
      orderId: order.id,
      paymentReference: 'psp-1',
    });
    const retry = await paymentSucceeded(ctx(service, 'pay-1'), {
      orderId: order.id,
      paymentReference: 'psp-1',
    });
    const other = await paymentSucceeded(ctx(service, 'pay-2'), {
      orderId: order.id,
      paymentReference: 'psp-1',
    });
    expect([first.status, retry.status, other.status]).toEqual(['paid', 'paid', 'paid']);
    expect(retry).toEqual(first);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 6, reserved: 0 });
    const confirms = await t.db
      .selectFrom('stockMovements')
      .select('kind')
      .where('productId', '=', p.id)
      .where('kind', '=', 'confirm')
      .execute();
    expect(confirms).toHaveLength(1);
  });

  it('a failed payment keeps the order waiting; then the hold expires without anyone reading it', async () => {
    const { w, p } = await setup(5);
    const order = await startCheckout(
      ctx(),
      { lines: [{ sku: p.sku, quantity: 5 }], shipTo },
      { defaultTtlSeconds: 2 },
    );
    const failed = await paymentFailed(ctx(), { orderId: order.id, reason: 'card declined' });
    expect(failed).toMatchObject({ status: 'pending_payment', lastPaymentError: 'card declined' });
    await sleep(2100);
    await sweepExpiredReservations(t.db);
    const row = await t.db
      .selectFrom('orders')
      .select('status')
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('expired');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 0, available: 5 });
  });

  it('late payment after expiry: re-reserves when stock is left, else needs attention with the shortages', async () => {
    const { w, p } = await setup(5);
    const early = await startCheckout(
      ctx(),
      { lines: [{ sku: p.sku, quantity: 2 }], shipTo },
      { defaultTtlSeconds: 1 },
    );
    const starved = await startCheckout(
      ctx(),
      { lines: [{ sku: p.sku, quantity: 3 }], shipTo },
      { defaultTtlSeconds: 1 },
    );
    await sleep(1100);
    await sweepExpiredReservations(t.db);
    const late = await paymentSucceeded(ctx(), { orderId: early.id, paymentReference: 'late-1' });
    expect(late.status).toBe('paid');
    expect(late.reservationId).not.toBe(early.reservationId);
    // Someone else takes the rest before the second late payment arrives.
    await startCheckout(ctx(), { lines: [{ sku: p.sku, quantity: 3 }], shipTo });
    const attention = await paymentSucceeded(ctx(), { orderId: starved.id, paymentReference: 'late-2' });
    expect(attention.status).toBe('needs_attention');
    expect(attention.shortages).toEqual([{ sku: p.sku, requested: 3, available: 0 }]);
    const events = await t.db
      .selectFrom('events')
      .select('type')
      .where('aggregateId', '=', starved.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['order.created', 'order.expired', 'order.needs_attention']);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 3, reserved: 3 });
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('paid → picking → shipped (per warehouse) → delivered; every other move is INVALID_TRANSITION', async () => {
    const a = await makeWarehouse(t.db, { latitude: 40.7, longitude: -74 });
    const b = await makeWarehouse(t.db, { latitude: 41.8, longitude: -87.6 });
    const p = await makeProduct(t.db);
    await stock(t.db, a.id, p.sku, 2);
    await stock(t.db, b.id, p.sku, 5);
    const order = await createPaidOrder(ctx(admin), {
      // No single warehouse holds 6: split, nearest first.
      lines: [{ sku: p.sku, quantity: 6 }],
      customer: { name: 'Walk-in', email: 'walkin@example.com' },
      shipTo,
    });
    expect(order.status).toBe('paid');
    expect(order.items.map((i) => [i.warehouseId, i.quantity]).sort()).toEqual(
      [
        [a.id, 2],
        [b.id, 4],
      ].sort(),
    );
    expect(await levelOf(t.db, a.id, p.id)).toMatchObject({ onHand: 0, reserved: 0 });

    const illegal: [string, () => Promise<unknown>][] = [
      ['paid→shipped', () => updateOrderStatus(ctx(admin), { id: order.id, status: 'shipped' })],
      ['paid→delivered', () => updateOrderStatus(ctx(admin), { id: order.id, status: 'delivered' })],
      ['paid→pending', () => updateOrderStatus(ctx(admin), { id: order.id, status: 'pending_payment' })],
      [
        'ship before picking',
        () =>
          shipOrder(ctx(admin), { id: order.id, warehouseId: a.id, carrier: 'UPS', trackingNumber: '1Z' }),
      ],
    ];
    for (const [name, call] of illegal)
      expect([name, await outcome(call())]).toEqual([name, 'INVALID_TRANSITION']);
    const err = await updateOrderStatus(ctx(admin), { id: order.id, status: 'delivered' }).catch((e) => e);
    expect(err.details).toEqual({ from: 'paid', to: 'delivered' });

    const picking = await updateOrderStatus(ctx(admin), {
      id: order.id,
      status: 'picking',
      expectedVersion: order.version,
    });
    expect(picking.status).toBe('picking');
    expect(
      await outcome(
        updateOrderStatus(ctx(admin), { id: order.id, status: 'picking', expectedVersion: order.version }),
      ),
    ).toBe('VERSION_MISMATCH');
    await shipOrder(ctx(admin), { id: order.id, warehouseId: a.id, carrier: 'UPS', trackingNumber: '1Z999' });
    expect((await getOrder(t.db, admin, { id: order.id })).status).toBe('picking');
    expect(
      await outcome(
        shipOrder(ctx(admin), { id: order.id, warehouseId: a.id, carrier: 'UPS', trackingNumber: '1Z' }),
      ),
    ).toBe('VALIDATION_FAILED');
    await shipOrder(ctx(admin), {
      id: order.id,
      warehouseId: b.id,
      carrier: 'FedEx',
      trackingNumber: '7788',
    });
    const shipped = await getOrder(t.db, admin, { id: order.id });
    expect(shipped.status).toBe('shipped');
    expect(shipped.shipments.map((s) => s.carrier).sort()).toEqual(['FedEx', 'UPS']);
    expect(await outcome(cancelOrder(ctx(admin), { id: order.id, reason: 'too late' }))).toBe(
      'INVALID_TRANSITION',
    );
    const delivered = await updateOrderStatus(ctx(admin), { id: order.id, status: 'delivered' });
    expect(delivered.status).toBe('delivered');
    expect(await outcome(updateOrderStatus(ctx(admin), { id: order.id, status: 'picking' }))).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('cancelling a paid order restocks with return movements; a pending one releases its hold', async () => {
    const { w, p } = await setup(10);
    const paid = await startCheckout(ctx(), { lines: [{ sku: p.sku, quantity: 3 }], shipTo });
    await paymentSucceeded(ctx(), { orderId: paid.id, paymentReference: 'x' });
    const pending = await startCheckout(ctx(), { lines: [{ sku: p.sku, quantity: 2 }], shipTo });
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 7, reserved: 2 });
    expect((await cancelOrder(ctx(admin), { id: paid.id, reason: 'customer changed mind' })).status).toBe(
      'cancelled',
    );
    expect((await cancelOrder(ctx(admin), { id: pending.id, reason: 'duplicate' })).status).toBe('cancelled');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 10, reserved: 0 });
    const returns = await t.db
      .selectFrom('stockMovements')
      .select(['kind', 'onHandDelta'])
      .where('productId', '=', p.id)
      .where('kind', 'in', ['return', 'release'])
      .execute();
    expect(returns).toEqual(
      expect.arrayContaining([
        { kind: 'return', onHandDelta: 3 },
        { kind: 'release', onHandDelta: 0 },
      ]),
    );
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(await outcome(paymentSucceeded(ctx(), { orderId: pending.id, paymentReference: 'y' }))).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('staff act only on orders of their warehouses; buyers only see their own', async () => {
    const { w, p } = await setup(10);
    const other = await makeWarehouse(t.db);
    const buyer = await makeBuyer();
    const stranger = await makeBuyer();
    const order = await startCheckout(ctx(buyer), { lines: [{ sku: p.sku, quantity: 1 }], shipTo });
    await paymentSucceeded(ctx(), { orderId: order.id, paymentReference: 'z' });
    const mine: Actor = { kind: 'user', id: crypto.randomUUID(), role: 'staff', warehouseIds: [w.id] };
    const theirs: Actor = { kind: 'user', id: crypto.randomUUID(), role: 'staff', warehouseIds: [other.id] };
    expect(await outcome(updateOrderStatus(ctx(theirs), { id: order.id, status: 'picking' }))).toBe(
      'FORBIDDEN',
    );
    expect((await updateOrderStatus(ctx(mine), { id: order.id, status: 'picking' })).status).toBe('picking');
    expect(await outcome(getOrder(t.db, stranger, { id: order.id }))).toBe('FORBIDDEN');
    expect((await listOrders(t.db, stranger, {})).items).toEqual([]);
    expect((await listOrders(t.db, buyer, {})).items.map((o) => o.id)).toEqual([order.id]);
    const byWarehouse = await listOrders(t.db, admin, { warehouseId: w.id, status: 'picking' });
    expect(byWarehouse.items.map((o) => o.id)).toContain(order.id);
  });

  it('lists orders newest first with a cursor that visits each once', async () => {
    const { p } = await setup(100);
    const made: Order[] = [];
    for (let i = 0; i < 7; i++)
      made.push(await startCheckout(ctx(), { lines: [{ sku: p.sku, quantity: 1 }], shipTo }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listOrders(t.db, admin, { status: 'pending_payment', limit: 3, cursor });
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const mine = seen.filter((id) => made.some((m) => m.id === id));
    expect(mine).toEqual(made.map((m) => m.id).reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('waitlist', () => {
  it('the oldest waiting buyer gets a reservation when a hold is released, in the same transaction', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 2);
    // A plain hold (an order's hold is ended only through its order).
    const holder = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 2 }] });
    const first = await makeBuyer();
    const second = await makeBuyer();
    const a = await joinWaitlist(ctx(first), { sku: p.sku, quantity: 2 });
    await joinWaitlist(ctx(second), { sku: p.sku, quantity: 1 });
    await releaseReservation(ctx(), { id: holder.id });
    const entries = await listWaitlist(t.db, admin, { sku: p.sku });
    expect(entries.items.map((e) => [e.id === a.id, e.status])).toEqual([
      [true, 'offered'],
      [false, 'waiting'],
    ]);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 2, available: 0 });
    const offered = await t.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'waitlist.offered')
      .where('aggregateId', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(offered.payload).toMatchObject({ buyerId: (first as { id: string }).id, quantity: 2 });
  });

  it('received stock goes to the waiting buyer first', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 1);
    await startCheckout(ctx(), { lines: [{ sku: p.sku, quantity: 1 }], shipTo });
    const buyer = await makeBuyer();
    await joinWaitlist(ctx(buyer), { sku: p.sku, warehouseId: w.id, quantity: 3 });
    const level = await stock(t.db, w.id, p.sku, 5);
    expect(level).toMatchObject({ onHand: 6, reserved: 4, available: 2 });
    const entry = (await listWaitlist(t.db, buyer, {})).items[0];
    expect(entry?.status).toBe('offered');
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });
});
