/**
 * The order lifecycle over real HTTP, driven the way its users drive it: a
 * buyer's cart and checkout, the payment service's callbacks (raw fetch, with
 * retried webhooks), staff picking and shipping per warehouse, cancellations,
 * direct orders, the waitlist, order lists and the live order feed (SSE).
 *
 * The domain rules themselves are tested in packages/core/test/orders.test.ts;
 * this file checks that the API exposes them faithfully: who may call what,
 * error codes with their details and HTTP statuses, idempotency keys, and what
 * each call leaves behind in stock, the ledger and the event log.
 */
import type { StockroomEvent } from '@stockroom/core';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter, RouterOutputs } from '../src/index.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

type Client = ReturnType<TestApi['client']>;
type Order = RouterOutputs['orders']['get'];
type OrderStatus = Order['status'];

const ORDER_STATUSES: OrderStatus[] = [
  'pending_payment',
  'paid',
  'needs_attention',
  'picking',
  'shipped',
  'delivered',
  'cancelled',
  'expired',
];
const DEMO_WAREHOUSES = ['NYC-1', 'CHI-1', 'DFW-1', 'LAX-1', 'SEA-1'] as const;
/** Midtown Manhattan: NYC-1 is nearest, then CHI-1, then DFW-1. */
const NEAR_NYC = { latitude: 40.7484, longitude: -73.9857, address: '350 5th Ave, New York, NY' };
const NEAR_CHICAGO = { latitude: 41.8781, longitude: -87.6298 };
const CUSTOMER = { name: 'Phone Sale', email: 'phone-sale@example.com' };

let api: TestApi;
const tokens = { admin: '', staff: '', buyer: '', seller: '' };
let admin: Client;
let staff: Client;
let buyer: Client;
let service: Client;
let buyerId: string;
/** Warehouse ids by code; the staff user works at NYC-1 and CHI-1. */
const wh: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  for (const role of Object.keys(tokens) as (keyof typeof tokens)[]) {
    tokens[role] = await api.login(`${role}@example.com`);
  }
  admin = api.client(tokens.admin);
  staff = api.client(tokens.staff);
  buyer = api.client(tokens.buyer);
  service = api.client(SERVICE_TOKEN);
  buyerId = (await buyer.auth.me.query()).id;
  for (const w of await admin.warehouses.list.query()) wh[w.code] = w.id;
});
afterAll(() => api?.stop());

// ------------------------------------------------------------------ helpers

const id = (code: string) => wh[code] as string;

/** Tax at 8.25 %, rounded half up, in integer arithmetic. */
const taxOf = (subtotalMinor: number) => Math.floor((subtotalMinor * 825 + 5000) / 10_000);

/** Exactly these on-hand counts of `sku` across the demo warehouses (0 elsewhere). */
async function stockAt(sku: string, counts: Partial<Record<(typeof DEMO_WAREHOUSES)[number], number>>) {
  for (const code of DEMO_WAREHOUSES) {
    await admin.inventory.set.mutate({
      warehouseId: id(code),
      sku,
      onHand: counts[code] ?? 0,
      reason: 'test setup',
    });
  }
}

const level = (code: string, sku: string) => admin.inventory.get.query({ warehouseId: id(code), sku });
/** Rows in the movement ledger, everywhere. */
const movementCount = async () =>
  Number(
    (
      await api.services.db
        .selectFrom('stockMovements')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

interface Failure {
  appCode: string | undefined;
  httpStatus: number | undefined;
  details: Record<string, unknown> | undefined;
}

/** How a call failed (it must fail): the contract's appCode, HTTP status and details. */
async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { appCode?: string; httpStatus?: number; details?: Record<string, unknown> };
    return { appCode: data?.appCode, httpStatus: data?.httpStatus, details: data?.details };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const byKey = <T extends { sku: string; warehouseId: string }>(rows: T[]) =>
  [...rows].sort((a, b) => `${a.sku}:${a.warehouseId}`.localeCompare(`${b.sku}:${b.warehouseId}`));

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A paid order straight from the service (phone sale), one unit of `sku` from NYC-1. */
const directOrder = (sku: string, warehouseCode = 'NYC-1') =>
  service.orders.create.mutate({
    lines: [{ sku, quantity: 1, warehouseId: id(warehouseCode) }],
    customer: CUSTOMER,
    shipTo: NEAR_NYC,
  });

/** The payment provider's webhook: a plain HTTP POST to the tRPC endpoint, with an Idempotency-Key. */
async function paymentWebhook(key: string, input: { orderId: string; paymentReference: string }) {
  const res = await fetch(`${api.url}/trpc/checkout.paymentSucceeded`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${SERVICE_TOKEN}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(input),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the raw wire format
  return { status: res.status, body: (await res.json()) as any };
}

// ------------------------------------------------------------------ the happy path

describe('a buyer orders, the payment service confirms, staff pick, ship and deliver', () => {
  it('runs the whole lifecycle over HTTP', async () => {
    await stockAt('EL-HDP-001', { 'NYC-1': 10, 'CHI-1': 10, 'DFW-1': 5 });
    await stockAt('HM-CND-001', { 'CHI-1': 4, 'DFW-1': 10 });
    await stockAt('OF-PEN-001', { 'NYC-1': 10 });
    const headphones = await buyer.products.get.query({ sku: 'EL-HDP-001' });
    const candle = await buyer.products.get.query({ sku: 'HM-CND-001' });
    expect(candle.priceMinor).toBe(1800);

    // --- the cart
    // `{}`: a mutation without input over httpLink sends an empty JSON body, which /trpc refuses (reported).
    await buyer.cart.clear.mutate({});
    // 1800 × 8.25 % = 148.5: half up gives 149 (banker's rounding or truncation would give 148).
    expect(await buyer.cart.setItem.mutate({ sku: 'HM-CND-001', quantity: 1 })).toMatchObject({
      currency: 'USD',
      subtotalMinor: 1800,
      taxMinor: 149,
      totalMinor: 1949,
    });
    await buyer.cart.setItem.mutate({ sku: 'EL-HDP-001', quantity: 5 });
    await buyer.cart.setItem.mutate({ sku: 'OF-PEN-001', quantity: 3 });
    await buyer.cart.setItem.mutate({ sku: 'EL-HDP-001', quantity: 2 }); // a new quantity replaces the old
    const afterRemove = await buyer.cart.setItem.mutate({ sku: 'OF-PEN-001', quantity: 0 }); // 0 removes
    expect(afterRemove.items.map((i) => i.sku).sort()).toEqual(['EL-HDP-001', 'HM-CND-001']);

    const cart = await buyer.cart.get.query();
    const subtotal = 2 * headphones.priceMinor + candle.priceMinor;
    expect(cart).toMatchObject({
      currency: 'USD',
      subtotalMinor: subtotal,
      taxMinor: taxOf(subtotal),
      totalMinor: subtotal + taxOf(subtotal),
    });
    expect([...cart.items].sort((a, b) => a.sku.localeCompare(b.sku))).toMatchObject([
      {
        sku: 'EL-HDP-001',
        name: headphones.name,
        quantity: 2,
        unitPriceMinor: headphones.priceMinor,
        lineTotalMinor: 2 * headphones.priceMinor,
      },
      { sku: 'HM-CND-001', name: candle.name, quantity: 1, unitPriceMinor: 1800, lineTotalMinor: 1800 },
    ]);
    expect(await failure(buyer.cart.setItem.mutate({ sku: 'NO-SUCH-001', quantity: 1 }))).toMatchObject({
      appCode: 'NOT_FOUND',
      httpStatus: 404,
    });
    expect(await failure(staff.cart.get.query())).toMatchObject({ appCode: 'FORBIDDEN', httpStatus: 403 });

    // --- a checkout that cannot be served names the product and keeps the cart
    await buyer.cart.setItem.mutate({ sku: 'EL-HDP-001', quantity: 30 });
    expect(await failure(buyer.checkout.start.mutate({ shipTo: NEAR_NYC }))).toMatchObject({
      appCode: 'INSUFFICIENT_STOCK',
      httpStatus: 409,
      details: { shortages: [{ sku: 'EL-HDP-001', requested: 30, available: 25 }] },
    });
    expect((await buyer.cart.get.query()).items).toHaveLength(2);
    expect(await level('NYC-1', 'EL-HDP-001')).toMatchObject({ onHand: 10, reserved: 0 });
    await buyer.cart.setItem.mutate({ sku: 'EL-HDP-001', quantity: 2 });

    // --- checkout from the cart: pending payment, a hold at the nearest warehouses
    const order = await buyer.checkout.start.mutate({ shipTo: NEAR_NYC });
    expect(order).toMatchObject({
      status: 'pending_payment',
      buyerId,
      currency: 'USD',
      subtotalMinor: subtotal,
      taxMinor: taxOf(subtotal),
      totalMinor: subtotal + taxOf(subtotal),
      shipTo: NEAR_NYC,
      version: 1,
    });
    // Headphones from NYC-1 (nearest); NYC-1 has no candles, so CHI-1 (next nearest).
    expect(byKey(order.items)).toEqual([
      {
        sku: 'EL-HDP-001',
        name: headphones.name,
        quantity: 2,
        unitPriceMinor: headphones.priceMinor,
        warehouseId: id('NYC-1'),
      },
      { sku: 'HM-CND-001', name: candle.name, quantity: 1, unitPriceMinor: 1800, warehouseId: id('CHI-1') },
    ]);
    expect(order.reservationId).toEqual(expect.any(String));
    // The default hold is 15 minutes.
    const holdSeconds = (Date.parse(order.expiresAt as string) - Date.parse(order.createdAt)) / 1000;
    expect(holdSeconds).toBeGreaterThan(895);
    expect(holdSeconds).toBeLessThan(905);

    const hold = await buyer.reservations.get.query({ id: order.reservationId as string });
    expect(hold).toMatchObject({ status: 'pending', reference: `order:${order.id}` });
    expect(byKey(hold.lines)).toEqual([
      { sku: 'EL-HDP-001', warehouseId: id('NYC-1'), quantity: 2 },
      { sku: 'HM-CND-001', warehouseId: id('CHI-1'), quantity: 1 },
    ]);
    expect(await level('NYC-1', 'EL-HDP-001')).toMatchObject({ onHand: 10, reserved: 2, available: 8 });
    expect(await level('CHI-1', 'HM-CND-001')).toMatchObject({ onHand: 4, reserved: 1, available: 3 });
    expect(await buyer.cart.get.query()).toMatchObject({ items: [], subtotalMinor: 0, totalMinor: 0 });
    expect(await failure(buyer.checkout.start.mutate({ shipTo: NEAR_NYC }))).toMatchObject({
      appCode: 'VALIDATION_FAILED', // the cart is empty now
    });
    expect(await failure(service.checkout.start.mutate({ shipTo: NEAR_NYC }))).toMatchObject({
      appCode: 'VALIDATION_FAILED', // the service has no cart: it must send lines
    });
    // A later price change does not touch the order.
    await admin.products.update.mutate({ sku: 'HM-CND-001', priceMinor: 1900 });
    expect((await buyer.orders.get.query({ id: order.id })).subtotalMinor).toBe(subtotal);
    await admin.products.update.mutate({ sku: 'HM-CND-001', priceMinor: 1800 });

    // --- only the payment service reports payments
    expect(
      await failure(buyer.checkout.paymentSucceeded.mutate({ orderId: order.id, paymentReference: 'self' })),
    ).toMatchObject({ appCode: 'FORBIDDEN', httpStatus: 403 });

    // --- the provider's webhook, retried (raw HTTP, Idempotency-Key header)
    const payment = { orderId: order.id, paymentReference: 'psp_ch_3Px81' };
    const first = await paymentWebhook(`psp-evt-${order.id}`, payment);
    expect(first.status).toBe(200);
    expect(first.body.result.data).toMatchObject({
      id: order.id,
      status: 'paid',
      paymentReference: 'psp_ch_3Px81',
      expiresAt: null,
      version: 2,
    });
    const retried = await paymentWebhook(`psp-evt-${order.id}`, payment);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(first.body);
    // The same key with another body is a client bug, not a retry.
    const reused = await paymentWebhook(`psp-evt-${order.id}`, { ...payment, paymentReference: 'other' });
    expect(reused.status).toBe(422);
    expect(reused.body.error.data.appCode).toBe('IDEMPOTENCY_KEY_REUSED');
    // A second, independent callback (another key) is answered but confirms nothing twice.
    const other = await api
      .client(SERVICE_TOKEN, { headers: { 'idempotency-key': `psp-evt-${order.id}-2` } })
      .checkout.paymentSucceeded.mutate(payment);
    expect(other).toMatchObject({ id: order.id, status: 'paid', version: 2 });

    const confirms = await api.services.db
      .selectFrom('stockMovements')
      .select(['kind', 'onHandDelta', 'reservedDelta', 'warehouseId'])
      .where('reference', '=', order.reservationId)
      .where('kind', '=', 'confirm')
      .execute();
    expect(confirms).toHaveLength(2); // one per reserved line, once
    expect(confirms.reduce((s, m) => s + m.onHandDelta, 0)).toBe(-3);
    expect(await level('NYC-1', 'EL-HDP-001')).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
    expect(await level('CHI-1', 'HM-CND-001')).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    expect(await buyer.reservations.get.query({ id: order.reservationId as string })).toMatchObject({
      status: 'confirmed',
    });

    // --- staff pick, against the version they saw
    expect(
      await failure(
        staff.orders.updateStatus.mutate({ id: order.id, status: 'picking', expectedVersion: 1 }),
      ),
    ).toMatchObject({ appCode: 'VERSION_MISMATCH', httpStatus: 409, details: { currentVersion: 2 } });
    const picking = await staff.orders.updateStatus.mutate({
      id: order.id,
      status: 'picking',
      expectedVersion: 2,
    });
    expect(picking).toMatchObject({ status: 'picking', version: 3 });

    // --- one shipment per warehouse; shipped once every warehouse has shipped
    const fromNyc = await staff.orders.ship.mutate({
      id: order.id,
      warehouseId: id('NYC-1'),
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
    });
    expect(fromNyc).toMatchObject({
      orderId: order.id,
      warehouseId: id('NYC-1'),
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      status: 'shipped',
      deliveredAt: null,
    });
    expect((await buyer.orders.get.query({ id: order.id })).status).toBe('picking');
    expect(
      await failure(
        staff.orders.ship.mutate({
          id: order.id,
          warehouseId: id('NYC-1'),
          carrier: 'UPS',
          trackingNumber: 'x',
        }),
      ),
    ).toMatchObject({ appCode: 'VALIDATION_FAILED' });
    await staff.orders.ship.mutate({
      id: order.id,
      warehouseId: id('CHI-1'),
      carrier: 'FedEx',
      trackingNumber: '7712 3456 7890',
    });
    const shipped = await buyer.orders.get.query({ id: order.id });
    expect(shipped.status).toBe('shipped');
    expect(
      shipped.shipments.map((s) => [s.warehouseId, s.carrier, s.trackingNumber, s.status]).sort(),
    ).toEqual(
      [
        [id('NYC-1'), 'UPS', '1Z999AA10123456784', 'shipped'],
        [id('CHI-1'), 'FedEx', '7712 3456 7890', 'shipped'],
      ].sort(),
    );

    // --- delivered
    const delivered = await staff.orders.updateStatus.mutate({
      id: order.id,
      status: 'delivered',
      expectedVersion: shipped.version,
    });
    expect(delivered.status).toBe('delivered');
    const final = await buyer.orders.get.query({ id: order.id });
    expect(final.shipments.every((s) => s.status === 'delivered' && s.deliveredAt !== null)).toBe(true);

    // The order's story, in the event log.
    const events = await admin.events.list.query({ limit: 100 });
    expect(
      events.items
        .filter((e) => e.aggregateId === order.id)
        .map((e) => e.type)
        .reverse(),
    ).toEqual([
      'order.created',
      'order.paid',
      'order.picking',
      'order.shipment_created',
      'order.shipment_created',
      'order.shipped',
      'order.delivered',
    ]);
  });
});

// ------------------------------------------------------------------ illegal moves

describe('every illegal transition fails with INVALID_TRANSITION and {from, to}', () => {
  it('over a matrix of orders in every state', async () => {
    const SKU = 'SP-YGA-001';
    await stockAt(SKU, { 'NYC-1': 100 });
    await stockAt('SP-RPE-001', { 'NYC-1': 2 });

    // Orders that expire: placed through a second API process on the same
    // database whose holds last one second (its checkout service is in a hurry).
    const short = await startTestApi({ RESERVATION_TTL_SECONDS: '1' }, api.database);
    let toExpire: Order['id'];
    let starved: Awaited<ReturnType<Client['checkout']['start']['mutate']>>;
    try {
      const hurried = short.client(SERVICE_TOKEN);
      toExpire = (
        await hurried.checkout.start.mutate({ shipTo: NEAR_NYC, lines: [{ sku: SKU, quantity: 1 }] })
      ).id;
      starved = await hurried.checkout.start.mutate({
        shipTo: NEAR_NYC,
        lines: [{ sku: 'SP-RPE-001', quantity: 2 }],
      });
    } finally {
      await short.stop();
    }
    // Nobody reads them: this API's sweeper ends the holds.
    await until(async () => {
      const [a, b] = await Promise.all([
        admin.orders.get.query({ id: toExpire }),
        admin.orders.get.query({ id: starved.id }),
      ]);
      return a.status === 'expired' && b.status === 'expired';
    }, 'the 1-second holds to expire');
    expect(await level('NYC-1', 'SP-RPE-001')).toMatchObject({ onHand: 2, reserved: 0 });
    // The stock goes elsewhere; then the money arrives late.
    await stockAt('SP-RPE-001', {});
    const attention = await service.checkout.paymentSucceeded.mutate({
      orderId: starved.id,
      paymentReference: 'late-payment',
    });
    expect(attention).toMatchObject({
      status: 'needs_attention',
      shortages: [{ sku: 'SP-RPE-001', requested: 2, available: 0 }],
    });

    const pending = await service.checkout.start.mutate({
      shipTo: NEAR_NYC,
      lines: [{ sku: SKU, quantity: 1 }],
    });
    const paid = await directOrder(SKU);
    const picking = await directOrder(SKU);
    await admin.orders.updateStatus.mutate({ id: picking.id, status: 'picking' });
    const shipped = await directOrder(SKU);
    await admin.orders.updateStatus.mutate({ id: shipped.id, status: 'picking' });
    await admin.orders.ship.mutate({
      id: shipped.id,
      warehouseId: id('NYC-1'),
      carrier: 'DHL',
      trackingNumber: 'D1',
    });
    const delivered = await directOrder(SKU);
    await admin.orders.updateStatus.mutate({ id: delivered.id, status: 'picking' });
    await admin.orders.ship.mutate({
      id: delivered.id,
      warehouseId: id('NYC-1'),
      carrier: 'DHL',
      trackingNumber: 'D2',
    });
    await admin.orders.updateStatus.mutate({ id: delivered.id, status: 'delivered' });
    const cancelled = await directOrder(SKU);
    await admin.orders.cancel.mutate({ id: cancelled.id, reason: 'duplicate order' });

    const inState: Record<OrderStatus, string> = {
      pending_payment: pending.id,
      paid: paid.id,
      needs_attention: starved.id,
      picking: picking.id,
      shipped: shipped.id,
      delivered: delivered.id,
      cancelled: cancelled.id,
      expired: toExpire,
    };
    const before = new Map<string, Order>();
    for (const [status, orderId] of Object.entries(inState)) {
      const order = await admin.orders.get.query({ id: orderId });
      expect([status, order.status]).toEqual([status, status]);
      before.set(orderId, order);
    }

    // The only moves made by hand: paid → picking, shipped → delivered, needs_attention → paid.
    const legal = new Set(['paid→picking', 'shipped→delivered', 'needs_attention→paid']);
    const unexpected: unknown[] = [];
    const expectInvalid = async (name: string, call: Promise<unknown>, from: string, to: string) => {
      const outcome = await call.then(
        (value) => ({ succeeded: value }),
        (error: unknown) =>
          error instanceof TRPCClientError
            ? {
                appCode: error.data?.appCode,
                httpStatus: error.data?.httpStatus,
                details: error.data?.details,
              }
            : { thrown: String(error) },
      );
      const wanted = { appCode: 'INVALID_TRANSITION', httpStatus: 409, details: { from, to } };
      if (JSON.stringify(outcome) !== JSON.stringify(wanted)) unexpected.push({ name, outcome });
    };

    const calls: Promise<void>[] = [];
    for (const from of ORDER_STATUSES) {
      const orderId = inState[from];
      for (const to of ORDER_STATUSES) {
        if (legal.has(`${from}→${to}`)) continue;
        calls.push(
          expectInvalid(
            `updateStatus ${from}→${to}`,
            admin.orders.updateStatus.mutate({ id: orderId, status: to }),
            from,
            to,
          ),
        );
      }
      // Shipping is for picking orders only.
      if (from !== 'picking') {
        calls.push(
          expectInvalid(
            `ship while ${from}`,
            admin.orders.ship.mutate({
              id: orderId,
              warehouseId: id('NYC-1'),
              carrier: 'UPS',
              trackingNumber: 'T1',
            }),
            from,
            'shipped',
          ),
        );
      }
      // Cancel only before shipping (and not once the hold is gone).
      if (['shipped', 'delivered', 'expired'].includes(from)) {
        calls.push(
          expectInvalid(
            `cancel while ${from}`,
            admin.orders.cancel.mutate({ id: orderId, reason: 'too late' }),
            from,
            'cancelled',
          ),
        );
      }
    }
    calls.push(
      expectInvalid(
        'payment for a cancelled order',
        service.checkout.paymentSucceeded.mutate({ orderId: cancelled.id, paymentReference: 'p' }),
        'cancelled',
        'paid',
      ),
    );
    await Promise.all(calls);
    expect(unexpected).toEqual([]);
    expect(calls.length).toBeGreaterThan(60);

    // None of them changed anything.
    for (const [orderId, order] of before) {
      const now = await admin.orders.get.query({ id: orderId });
      expect([now.status, now.version, now.shipments.length]).toEqual([
        order.status,
        order.version,
        order.shipments.length,
      ]);
    }

    // needs_attention → paid is legal, but only once the stock is there again.
    expect(await failure(admin.orders.updateStatus.mutate({ id: starved.id, status: 'paid' }))).toMatchObject(
      {
        appCode: 'INSUFFICIENT_STOCK',
        httpStatus: 409,
        details: { shortages: [expect.objectContaining({ sku: 'SP-RPE-001', requested: 2 })] },
      },
    );
    await staff.inventory.receive.mutate({ warehouseId: id('NYC-1'), sku: 'SP-RPE-001', quantity: 2 });
    const resolved = await staff.orders.updateStatus.mutate({ id: starved.id, status: 'paid' });
    expect(resolved).toMatchObject({ status: 'paid', shortages: null });
    expect(resolved.reservationId).not.toBe(starved.reservationId);
    expect(await level('NYC-1', 'SP-RPE-001')).toMatchObject({ onHand: 0, reserved: 0 });
  });
});

// ------------------------------------------------------------------ who may do what

describe('access', () => {
  it('staff ship only from their own warehouses', async () => {
    await stockAt('KT-PAN-001', { 'NYC-1': 5 });
    await stockAt('KT-POT-001', { 'DFW-1': 5 });
    const order = await service.orders.create.mutate({
      lines: [
        { sku: 'KT-PAN-001', quantity: 1, warehouseId: id('NYC-1') },
        { sku: 'KT-POT-001', quantity: 2, warehouseId: id('DFW-1') },
      ],
      customer: CUSTOMER,
      shipTo: NEAR_CHICAGO,
    });
    // The order's status is the whole order's: NYC-1 staff may not move it (DFW-1 is
    // not theirs), nor cancel it (issue 10: that restocked DFW-1) — an admin may.
    const before = await movementCount();
    expect(
      await failure(staff.orders.updateStatus.mutate({ id: order.id, status: 'picking' })),
    ).toMatchObject({ appCode: 'FORBIDDEN', httpStatus: 403, details: { warehouseIds: [id('DFW-1')] } });
    expect(await failure(staff.orders.cancel.mutate({ id: order.id, reason: 'no' }))).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    expect(await movementCount()).toBe(before);
    expect((await level('DFW-1', 'KT-POT-001')).onHand).toBe(3);
    await admin.orders.updateStatus.mutate({ id: order.id, status: 'picking' });
    // … and shipping is per warehouse: NYC-1 staff ship NYC-1's part …
    await staff.orders.ship.mutate({
      id: order.id,
      warehouseId: id('NYC-1'),
      carrier: 'UPS',
      trackingNumber: 'N1',
    });
    // … but not ship DFW-1's part.
    expect(
      await failure(
        staff.orders.ship.mutate({
          id: order.id,
          warehouseId: id('DFW-1'),
          carrier: 'UPS',
          trackingNumber: 'D1',
        }),
      ),
    ).toMatchObject({ appCode: 'FORBIDDEN', httpStatus: 403 });
    expect(
      await failure(
        staff.orders.ship.mutate({
          id: order.id,
          warehouseId: id('LAX-1'),
          carrier: 'UPS',
          trackingNumber: 'L1',
        }),
      ),
    ).toMatchObject({ appCode: 'FORBIDDEN' });
    expect(
      await failure(
        admin.orders.ship.mutate({
          id: order.id,
          warehouseId: id('LAX-1'),
          carrier: 'UPS',
          trackingNumber: 'L1',
        }),
      ),
    ).toMatchObject({ appCode: 'VALIDATION_FAILED', httpStatus: 400 });
    expect((await staff.orders.get.query({ id: order.id })).status).toBe('picking');
    await admin.orders.ship.mutate({
      id: order.id,
      warehouseId: id('DFW-1'),
      carrier: 'FedEx',
      trackingNumber: 'D1',
    });
    expect((await staff.orders.get.query({ id: order.id })).status).toBe('shipped');

    // An order served only by DFW-1 is not theirs at all.
    const dallas = await directOrder('KT-POT-001', 'DFW-1');
    expect(
      await failure(staff.orders.updateStatus.mutate({ id: dallas.id, status: 'picking' })),
    ).toMatchObject({ appCode: 'FORBIDDEN' });
    expect(await failure(staff.orders.cancel.mutate({ id: dallas.id, reason: 'no' }))).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    // Buyers and sellers do not run the warehouse.
    expect(
      await failure(buyer.orders.updateStatus.mutate({ id: dallas.id, status: 'picking' })),
    ).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    expect(
      await failure(
        buyer.orders.create.mutate({
          lines: [{ sku: 'KT-POT-001', quantity: 1 }],
          customer: CUSTOMER,
          shipTo: NEAR_NYC,
        }),
      ),
    ).toMatchObject({
      appCode: 'FORBIDDEN',
    });
  });

  it('buyers see only their own orders', async () => {
    await stockAt('HM-TWL-001', { 'NYC-1': 10 });
    const mine = await buyer.checkout.start.mutate({
      shipTo: NEAR_NYC,
      lines: [{ sku: 'HM-TWL-001', quantity: 1 }],
    });
    const phoneSale = await directOrder('HM-TWL-001');

    const own = await buyer.orders.list.query({ limit: 100 });
    expect(own.items.map((o) => o.id)).toContain(mine.id);
    expect(own.items.map((o) => o.id)).not.toContain(phoneSale.id);
    expect(own.items.every((o) => o.buyerId === buyerId)).toBe(true);
    expect((await buyer.orders.get.query({ id: mine.id })).id).toBe(mine.id);
    expect(await failure(buyer.orders.get.query({ id: phoneSale.id }))).toMatchObject({
      appCode: 'FORBIDDEN',
    });

    const secondEmail = `second-buyer-${crypto.randomUUID()}@example.com`;
    await api.client().auth.register.mutate({
      email: secondEmail,
      password: 'a long enough password',
      name: 'Second Buyer',
    });
    const registered = await api.client().auth.login.mutate({
      email: secondEmail,
      password: 'a long enough password',
    });
    expect(registered.user.role).toBe('buyer');
    const stranger = api.client(registered.token);
    expect(await stranger.orders.list.query({})).toEqual({ items: [], nextCursor: null });
    expect(await failure(stranger.orders.get.query({ id: mine.id }))).toMatchObject({
      appCode: 'FORBIDDEN',
      httpStatus: 403,
    });
    expect(await failure(stranger.orders.cancel.mutate({ id: mine.id, reason: 'mischief' }))).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    expect((await buyer.orders.get.query({ id: mine.id })).status).toBe('pending_payment');

    expect(await failure(api.client(tokens.seller).orders.list.query({}))).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    expect(await failure(api.client().orders.list.query({}))).toMatchObject({
      appCode: 'UNAUTHENTICATED',
      httpStatus: 401,
    });
    // The buyer cancels their own pending order: the hold is released.
    expect(await level('NYC-1', 'HM-TWL-001')).toMatchObject({ reserved: 1 });
    expect((await buyer.orders.cancel.mutate({ id: mine.id, reason: 'ordered by mistake' })).status).toBe(
      'cancelled',
    );
    expect(await level('NYC-1', 'HM-TWL-001')).toMatchObject({ onHand: 9, reserved: 0 });
  });
});

// ------------------------------------------------------------------ payments, cancellation, direct orders

describe('payments and cancellation', () => {
  it('a failed payment keeps the order pending; a paid order cancelled by its buyer goes back on the shelf', async () => {
    const SKU = 'AP-TEE-001';
    await stockAt(SKU, { 'NYC-1': 10 });
    const order = await buyer.checkout.start.mutate({ shipTo: NEAR_NYC, lines: [{ sku: SKU, quantity: 3 }] });

    const failed = await service.checkout.paymentFailed.mutate({
      orderId: order.id,
      reason: 'card declined',
    });
    expect(failed).toMatchObject({
      status: 'pending_payment',
      lastPaymentError: 'card declined',
      reservationId: order.reservationId,
    });
    expect(await level('NYC-1', SKU)).toMatchObject({ onHand: 10, reserved: 3 });
    expect(await buyer.reservations.get.query({ id: order.reservationId as string })).toMatchObject({
      status: 'pending',
    });

    // The buyer tries another card.
    const paid = await service.checkout.paymentSucceeded.mutate({
      orderId: order.id,
      paymentReference: 'psp-2',
    });
    expect(paid.status).toBe('paid');
    expect(await level('NYC-1', SKU)).toMatchObject({ onHand: 7, reserved: 0 });
    // A late failure report for a paid order changes nothing.
    expect((await service.checkout.paymentFailed.mutate({ orderId: order.id, reason: 'stale' })).status).toBe(
      'paid',
    );

    const cancelled = await buyer.orders.cancel.mutate({ id: order.id, reason: 'changed my mind' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'changed my mind' });
    expect(await level('NYC-1', SKU)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    // Cancelling twice is harmless and restocks once.
    expect((await buyer.orders.cancel.mutate({ id: order.id, reason: 'again' })).status).toBe('cancelled');
    expect(await level('NYC-1', SKU)).toMatchObject({ onHand: 10 });

    const movements = await staff.inventory.movements.query({ warehouseId: id('NYC-1'), sku: SKU });
    const returns = movements.items.filter((m) => m.kind === 'return');
    expect(returns).toEqual([
      expect.objectContaining({ onHandDelta: 3, reservedDelta: 0, reference: `order:${order.id}` }),
    ]);
    const returnRows = await api.services.db
      .selectFrom('stockMovements')
      .select('onHandDelta')
      .where('kind', '=', 'return')
      .where('reference', '=', `order:${order.id}`)
      .execute();
    expect(returnRows).toEqual([{ onHandDelta: 3 }]);
  });

  it('orders.create by the service makes a paid order at once', async () => {
    const SKU = 'OD-BTL-001';
    await stockAt(SKU, { 'NYC-1': 1, 'CHI-1': 6 });
    const bottle = await service.products.get.query({ sku: SKU });
    const order = await service.orders.create.mutate({
      lines: [{ sku: SKU, quantity: 2 }],
      customer: { name: 'Marketplace Customer', email: 'mp@example.com' },
      shipTo: NEAR_CHICAGO,
    });
    const subtotal = 2 * bottle.priceMinor;
    expect(order).toMatchObject({
      status: 'paid',
      buyerId: null,
      customer: { name: 'Marketplace Customer', email: 'mp@example.com' },
      subtotalMinor: subtotal,
      taxMinor: taxOf(subtotal),
      totalMinor: subtotal + taxOf(subtotal),
      expiresAt: null,
      items: [
        {
          sku: SKU,
          name: bottle.name,
          quantity: 2,
          unitPriceMinor: bottle.priceMinor,
          warehouseId: id('CHI-1'),
        },
      ],
    });
    expect(await level('CHI-1', SKU)).toMatchObject({ onHand: 4, reserved: 0 });
    expect(await service.reservations.get.query({ id: order.reservationId as string })).toMatchObject({
      status: 'confirmed',
      reference: `order:${order.id}`,
    });
    const events = await admin.events.list.query({ types: ['order.created', 'order.paid'], limit: 20 });
    expect(
      events.items
        .filter((e) => e.aggregateType === 'order' && e.aggregateId === order.id)
        .map((e) => [e.type, e.aggregateType === 'order' ? e.payload.status : undefined])
        .reverse(),
    ).toEqual([
      ['order.created', 'paid'],
      ['order.paid', 'paid'],
    ]);

    // Not enough anywhere: nothing is sold, and the answer names the product.
    expect(
      await failure(
        service.orders.create.mutate({
          lines: [{ sku: SKU, quantity: 50 }],
          customer: CUSTOMER,
          shipTo: NEAR_NYC,
        }),
      ),
    ).toMatchObject({
      appCode: 'INSUFFICIENT_STOCK',
      httpStatus: 409,
      details: { shortages: [expect.objectContaining({ sku: SKU, requested: 50 })] },
    });
    expect(await level('CHI-1', SKU)).toMatchObject({ onHand: 4, reserved: 0 });
  });
});

// ------------------------------------------------------------------ lists

describe('orders.list', () => {
  it('filters by status and warehouse and pages with a cursor, newest first', async () => {
    const hall = await admin.warehouses.create.mutate({
      code: 'TST-LIST',
      name: 'List test hall',
      latitude: 0.5,
      longitude: 0.5,
    });
    const SKU = 'TY-PZL-001';
    await admin.inventory.set.mutate({ warehouseId: hall.id, sku: SKU, onHand: 50 });
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const order = await service.orders.create.mutate({
        lines: [{ sku: SKU, quantity: 1, warehouseId: hall.id }],
        customer: CUSTOMER,
        shipTo: { latitude: 0, longitude: 0 },
      });
      made.push(order.id);
    }
    // Orders 1, 3 and 5 are being picked.
    for (const i of [1, 3, 5])
      await admin.orders.updateStatus.mutate({ id: made[i] as string, status: 'picking' });

    const collect = async (input: { status?: OrderStatus; warehouseId?: string }, limit: number) => {
      const seen: string[] = [];
      const statuses = new Set<string>();
      let pages = 0;
      let cursor: string | undefined;
      do {
        const page = await staff.orders.list.query({ ...input, limit, cursor });
        pages++;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        for (const o of page.items) {
          seen.push(o.id);
          statuses.add(o.status);
          if (input.warehouseId) expect(o.items.some((i) => i.warehouseId === input.warehouseId)).toBe(true);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { seen, statuses, pages };
    };
    const newestFirst = (indexes: number[]) => indexes.map((i) => made[i]).reverse();

    const all = await collect({ warehouseId: hall.id }, 3);
    expect(all.seen).toEqual(newestFirst([0, 1, 2, 3, 4, 5, 6]));
    expect(all.pages).toBe(3);
    const paid = await collect({ warehouseId: hall.id, status: 'paid' }, 2);
    expect(paid.seen).toEqual(newestFirst([0, 2, 4, 6]));
    expect([...paid.statuses]).toEqual(['paid']);
    const picking = await collect({ warehouseId: hall.id, status: 'picking' }, 2);
    expect(picking.seen).toEqual(newestFirst([1, 3, 5]));
    // By status alone: every picking order of the system, ours among them, each once.
    const everyPicking = await collect({ status: 'picking' }, 2);
    expect([...everyPicking.statuses]).toEqual(['picking']);
    expect(new Set(everyPicking.seen).size).toBe(everyPicking.seen.length);
    expect(everyPicking.seen.filter((o) => made.includes(o))).toEqual(newestFirst([1, 3, 5]));

    expect(await staff.orders.list.query({ warehouseId: hall.id, status: 'delivered' })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(await failure(staff.orders.list.query({ limit: 0 }))).toMatchObject({
      appCode: 'VALIDATION_FAILED',
    });
    expect(await failure(staff.orders.list.query({ cursor: 'not-a-cursor' }))).toMatchObject({
      appCode: 'VALIDATION_FAILED',
    });
  });
});

// ------------------------------------------------------------------ waitlist

describe('waitlist', () => {
  it('received stock is offered to the waiting buyer, with a reservation and an event', async () => {
    const SKU = 'HM-CLK-001';
    await stockAt(SKU, {});
    const entry = await buyer.waitlist.join.mutate({ sku: SKU, warehouseId: id('NYC-1'), quantity: 3 });
    expect(entry).toMatchObject({ buyerId, sku: SKU, quantity: 3, status: 'waiting', reservationId: null });
    expect(await failure(staff.waitlist.join.mutate({ sku: SKU, quantity: 1 }))).toMatchObject({
      appCode: 'FORBIDDEN',
    });

    const received = await staff.inventory.receive.mutate({
      warehouseId: id('NYC-1'),
      sku: SKU,
      quantity: 5,
    });
    expect(received).toMatchObject({ onHand: 5, reserved: 3, available: 2 });

    const listed = await staff.waitlist.list.query({ sku: SKU });
    expect(listed.items).toHaveLength(1);
    const offered = listed.items[0];
    expect(offered).toMatchObject({ id: entry.id, status: 'offered', reservationId: expect.any(String) });
    expect(offered?.offeredAt).not.toBeNull();
    expect((await buyer.waitlist.list.query({ status: 'offered' })).items.map((e) => e.id)).toContain(
      entry.id,
    );

    const hold = await buyer.reservations.get.query({ id: offered?.reservationId as string });
    expect(hold).toMatchObject({
      status: 'pending',
      reference: `waitlist:${entry.id}`,
      lines: [{ sku: SKU, warehouseId: id('NYC-1'), quantity: 3 }],
    });
    const events = await staff.events.list.query({ types: ['waitlist.offered'], limit: 100 });
    const event = events.items.find((e) => e.aggregateId === entry.id);
    expect(event?.payload).toMatchObject({
      buyerId,
      sku: SKU,
      warehouseId: id('NYC-1'),
      quantity: 3,
      reservationId: offered?.reservationId,
    });
  });
});

// ------------------------------------------------------------------ live feed

type OrderEvent = Extract<StockroomEvent, { aggregateType: 'order' }>;
type Tracked = { id: string; data: OrderEvent };

function liveClient(token: string) {
  const url = `${api.url}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, EventSource, connectionParams: { token } }),
        false: httpLink({ url }),
      }),
    ],
  });
}

function watch(client: ReturnType<typeof liveClient>, input: { status?: OrderStatus }) {
  const received: Tracked[] = [];
  const errors: unknown[] = [];
  let started = false;
  const sub = client.orders.onChange.subscribe(input, {
    onStarted: () => {
      started = true;
    },
    onData: (event) => received.push(event),
    onError: (error) => errors.push(error),
  });
  return {
    received,
    errors,
    get started() {
      return started;
    },
    of: (orderId: string) => received.filter((e) => e.data.aggregateId === orderId).map((e) => e.data),
    stop: () => sub.unsubscribe(),
  };
}

describe('orders.onChange', () => {
  it('streams order events live to staff, optionally only one status', async () => {
    const SKU = 'OF-NTB-001';
    await stockAt(SKU, { 'NYC-1': 40 });
    const client = liveClient(tokens.staff);
    const everything = watch(client, {});
    const paidOnly = watch(client, { status: 'paid' });
    try {
      await until(async () => everything.started && paidOnly.started, 'both subscriptions to start');
      // A live feed starts "from now" on the server, a moment after the stream
      // opens: sell single units until both feeds have seen one, then begin.
      await until(
        async () => {
          const probe = await directOrder(SKU);
          const deadline = Date.now() + 1000;
          while (Date.now() < deadline) {
            if (everything.of(probe.id).length > 0 && paidOnly.of(probe.id).length > 0) return true;
            await new Promise((r) => setTimeout(r, 25));
          }
          return false;
        },
        'the feeds to go live',
        15_000,
      );

      const placed = await buyer.checkout.start.mutate({
        shipTo: NEAR_NYC,
        lines: [{ sku: SKU, quantity: 2 }],
      });
      await service.checkout.paymentSucceeded.mutate({ orderId: placed.id, paymentReference: 'live-1' });
      const unpaid = await buyer.checkout.start.mutate({
        shipTo: NEAR_NYC,
        lines: [{ sku: SKU, quantity: 1 }],
      });
      await service.checkout.paymentFailed.mutate({ orderId: unpaid.id, reason: 'insufficient funds' });
      const direct = await directOrder(SKU);

      await until(
        async () => everything.of(direct.id).length === 2 && paidOnly.of(direct.id).length === 2,
        'the last order to reach both feeds',
      );
      const summary = (events: OrderEvent[]) => events.map((e) => [e.type, e.payload.status]);
      expect(summary(everything.of(placed.id))).toEqual([
        ['order.created', 'pending_payment'],
        ['order.paid', 'paid'],
      ]);
      expect(summary(everything.of(unpaid.id))).toEqual([
        ['order.created', 'pending_payment'],
        ['order.payment_failed', 'pending_payment'],
      ]);
      expect(summary(everything.of(direct.id))).toEqual([
        ['order.created', 'paid'],
        ['order.paid', 'paid'],
      ]);
      expect(everything.received.every((e) => e.data.type.startsWith('order.'))).toBe(true);

      expect(summary(paidOnly.of(placed.id))).toEqual([['order.paid', 'paid']]);
      expect(paidOnly.of(unpaid.id)).toEqual([]);
      expect(summary(paidOnly.of(direct.id))).toEqual([
        ['order.created', 'paid'],
        ['order.paid', 'paid'],
      ]);
      expect(paidOnly.received.every((e) => e.data.payload.status === 'paid')).toBe(true);
      // Each message's id is the event's position (for resuming after a reconnect).
      expect(everything.received.every((e) => e.id === e.data.position)).toBe(true);
      expect([...everything.errors, ...paidOnly.errors]).toEqual([]);
    } finally {
      everything.stop();
      paidOnly.stop();
    }

    // Buyers do not get the feed.
    const denied = watch(liveClient(tokens.buyer), {});
    try {
      await until(async () => denied.errors.length > 0, 'the buyer to be refused');
      expect(denied.errors[0]).toBeInstanceOf(TRPCClientError);
      expect((denied.errors[0] as TRPCClientError<AppRouter>).data?.appCode).toBe('FORBIDDEN');
    } finally {
      denied.stop();
    }
  });
});

// ------------------------------------------------------------------ afterwards

describe('the ledger', () => {
  it('still adds up after everything above', async () => {
    const report = await admin.audit.verify.query();
    expect(report.mismatches).toEqual([]);
    expect(report.levelsChecked).toBeGreaterThan(0);
  });
});
