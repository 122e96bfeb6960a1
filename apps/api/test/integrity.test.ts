/**
 * Issue 10, "stock can be taken without paying" and "bad input that still
 * reaches a 500", reproduced over real HTTP against a running API and shown
 * closed — stock figures and the movement ledger checked, not only statuses:
 *
 *   1. a buyer confirming their own hold (stock left on_hand with no payment);
 *   2. confirming an order's hold, then the payment callback (3 units ordered, 6 consumed),
 *      and checkout → confirm → cancel (units lost);
 *   3. one buyer holding everything for a day (no TTL bound, no caps) — caps hold
 *      under 30 parallel requests, on the coalesced path and through checkout;
 *   4. an order total beyond 2^53 minor units;
 *   5. a search of 33+ '-' (tsquery stack too small) and an overflowing lastEventId.
 */

import { MAX_MONEY_MINOR, MAX_PRICE_MINOR } from '@stockroom/core';
import { TRPCClientError } from '@trpc/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAppError } from '../src/errors.js';
import { createEventBus } from '../src/events/bus.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

type Client = ReturnType<TestApi['client']>;

// Small caps, so the environment really reaches core.
const CAPS = {
  BUYER_MAX_HOLD_SECONDS: '600',
  BUYER_MAX_ACTIVE_HOLDS: '10',
  BUYER_MAX_HELD_UNITS: '40',
  BUYER_MAX_WAITLIST_ENTRIES: '3',
};
const SHIP_TO = { latitude: 40.71, longitude: -74.0 };

let api: TestApi;
let admin: Client;
let service: Client;
let staff: Client;
let nyc: string;
let dfw: string;
let counter = 0;

beforeAll(async () => {
  api = await startTestApi(CAPS);
  admin = api.client(await api.login('admin@example.com'));
  staff = api.client(await api.login('staff@example.com'));
  service = api.client(SERVICE_TOKEN);
  const warehouses = await admin.warehouses.list.query();
  nyc = warehouses.find((w) => w.code === 'NYC-1')?.id as string;
  dfw = warehouses.find((w) => w.code === 'DFW-1')?.id as string;
});
afterAll(() => api?.stop());

/** A fresh product with `units` at NYC-1 (and optionally DFW-1). */
async function product(units: number, priceMinor = 1000, dfwUnits = 0): Promise<string> {
  const sku = `INT-${Date.now().toString(36)}-${++counter}`.toUpperCase();
  await admin.products.create.mutate({
    sku,
    name: `Integrity ${sku}`,
    category: 'Test',
    priceMinor,
    currency: 'USD',
  });
  if (units > 0) await admin.inventory.receive.mutate({ warehouseId: nyc, sku, quantity: units });
  if (dfwUnits > 0) await admin.inventory.receive.mutate({ warehouseId: dfw, sku, quantity: dfwUnits });
  return sku;
}

/** A fresh buyer (nothing held yet). */
async function freshBuyer(): Promise<{ client: Client; id: string; token: string }> {
  const email = `buyer-${Date.now().toString(36)}-${++counter}@integrity.test`;
  const user = await admin.users.create.mutate({
    email,
    password: 'correct horse battery staple',
    name: 'Integrity Buyer',
    role: 'buyer',
  });
  const token = await api.login(email, 'correct horse battery staple');
  return { client: api.client(token), id: user.id, token };
}

const level = (sku: string, warehouseId = nyc) => admin.inventory.get.query({ warehouseId, sku });

/** The ledger for one product at one warehouse: sums, and rows by kind. */
async function ledger(sku: string, warehouseId = nyc) {
  const rows = await api.services.db
    .selectFrom('stockMovements as m')
    .innerJoin('products as p', 'p.id', 'm.productId')
    .select(['m.kind', 'm.onHandDelta', 'm.reservedDelta', 'm.reference'])
    .where('p.sku', '=', sku)
    .where('m.warehouseId', '=', warehouseId)
    .execute();
  const kinds: Record<string, number> = {};
  for (const r of rows) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
  return {
    onHand: rows.reduce((s, r) => s + r.onHandDelta, 0),
    reserved: rows.reduce((s, r) => s + r.reservedDelta, 0),
    kinds,
    rows,
  };
}

async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { appCode?: string; httpStatus?: number; details?: Record<string, unknown> };
    return {
      appCode: data?.appCode,
      httpStatus: data?.httpStatus,
      details: data?.details,
      message: error.message,
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const settle = <T>(calls: Promise<T>[]) =>
  Promise.all(
    calls.map((c) =>
      c.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => {
          const data = (error as { data?: { appCode?: string; details?: Record<string, unknown> } }).data;
          return { ok: false as const, appCode: data?.appCode, details: data?.details };
        },
      ),
    ),
  );

async function pendingHoldsOf(buyerId: string): Promise<number> {
  const row = await api.services.db
    .selectFrom('reservations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ownerUserId', '=', buyerId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('only the service and admin confirm; an order’s hold only through its payment', () => {
  it('(a) a buyer confirming their own hold is FORBIDDEN; on_hand unchanged, no confirm in the ledger', async () => {
    const sku = await product(1_000_000);
    const buyer = await freshBuyer();
    const hold = await buyer.client.reservations.create.mutate({
      lines: [{ sku, quantity: 10, warehouseId: nyc }],
    });
    expect(await failure(buyer.client.reservations.confirm.mutate({ id: hold.id }))).toMatchObject({
      appCode: 'FORBIDDEN',
      httpStatus: 403,
    });
    const rest = await fetch(`${api.url}/api/v1/reservations/${hold.id}/confirm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.token}` },
    });
    expect(rest.status).toBe(403);
    expect(await level(sku)).toMatchObject({ onHand: 1_000_000, reserved: 10 });
    expect((await buyer.client.reservations.get.query({ id: hold.id })).status).toBe('pending');
    const moves = await ledger(sku);
    expect(moves.kinds).toEqual({ receive: 1, reserve: 1 });
    expect(moves).toMatchObject({ onHand: 1_000_000, reserved: 10 });
  });

  it('(b) confirming a checkout’s hold is refused (409) for buyer, admin and service; payment commits exactly 3 units once', async () => {
    const sku = await product(1_000_000);
    const buyer = await freshBuyer();
    const order = await buyer.client.checkout.start.mutate({
      shipTo: SHIP_TO,
      lines: [{ sku, quantity: 3 }],
    });
    const holdId = order.reservationId as string;
    expect(await failure(buyer.client.reservations.confirm.mutate({ id: holdId }))).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    for (const who of [admin, service]) {
      expect(await failure(who.reservations.confirm.mutate({ id: holdId }))).toMatchObject({
        appCode: 'INVALID_TRANSITION',
        httpStatus: 409,
        details: { from: 'pending', to: 'confirmed', orderId: order.id },
      });
    }
    expect(await level(sku)).toMatchObject({ onHand: 1_000_000, reserved: 3 });

    // The payment provider calls back several times at once (distinct keys, as retries do).
    const paid = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        service.checkout.paymentSucceeded.mutate({
          orderId: order.id,
          paymentReference: `psp-${i}`,
          idempotencyKey: `pay-${order.id}-${i}`,
        }),
      ),
    );
    expect(paid.every((o) => o.status === 'paid')).toBe(true);
    // Confirming after the payment is still refused, and applies nothing.
    expect(await failure(service.reservations.confirm.mutate({ id: holdId }))).toMatchObject({
      appCode: 'INVALID_TRANSITION',
      httpStatus: 409,
    });
    expect(await level(sku)).toMatchObject({ onHand: 1_000_000 - 3, reserved: 0 });
    const moves = await ledger(sku);
    expect(moves.kinds).toEqual({ receive: 1, reserve: 1, confirm: 1 });
    expect(moves.rows.find((r) => r.kind === 'confirm')).toMatchObject({
      onHandDelta: -3,
      reference: holdId,
    });
    expect(moves).toMatchObject({ onHand: 1_000_000 - 3, reserved: 0 });
  });

  it('(c) checkout → confirm attempt → cancel puts every unit back', async () => {
    const sku = await product(1_000_000);
    const buyer = await freshBuyer();
    const order = await buyer.client.checkout.start.mutate({
      shipTo: SHIP_TO,
      lines: [{ sku, quantity: 2 }],
    });
    expect(
      await failure(admin.reservations.confirm.mutate({ id: order.reservationId as string })),
    ).toMatchObject({ appCode: 'INVALID_TRANSITION' });
    expect(
      (await buyer.client.orders.cancel.mutate({ id: order.id, reason: 'changed my mind' })).status,
    ).toBe('cancelled');
    expect(await level(sku)).toMatchObject({ onHand: 1_000_000, reserved: 0, available: 1_000_000 });
    const moves = await ledger(sku);
    expect(moves.kinds).toEqual({ receive: 1, reserve: 1, release: 1 });
    expect(moves).toMatchObject({ onHand: 1_000_000, reserved: 0 });
  });

  it('the service still confirms a hold it made that belongs to no order', async () => {
    const sku = await product(10);
    const hold = await service.reservations.create.mutate({
      lines: [{ sku, quantity: 4, warehouseId: nyc }],
    });
    expect((await service.reservations.confirm.mutate({ id: hold.id })).status).toBe('confirmed');
    expect(await level(sku)).toMatchObject({ onHand: 6, reserved: 0 });
    expect(await ledger(sku)).toMatchObject({ onHand: 6, reserved: 0 });
  });
});

describe('a buyer’s holds are bounded (BUYER_MAX_* from the environment)', () => {
  it('a hold longer than BUYER_MAX_HOLD_SECONDS is refused naming the limit; nothing is held', async () => {
    const sku = await product(1_000_000);
    const buyer = await freshBuyer();
    const refused = await failure(
      buyer.client.reservations.create.mutate({ lines: [{ sku, quantity: 1 }], ttlSeconds: 86_400 }),
    );
    expect(refused).toMatchObject({
      appCode: 'VALIDATION_FAILED',
      httpStatus: 400,
      details: { field: 'ttlSeconds', limit: 600 },
    });
    expect(refused.message).toContain('BUYER_MAX_HOLD_SECONDS');
    // An extension past the limit is refused too.
    const hold = await buyer.client.reservations.create.mutate({
      lines: [{ sku, quantity: 1 }],
      ttlSeconds: 600,
    });
    expect(
      await failure(buyer.client.reservations.extend.mutate({ id: hold.id, ttlSeconds: 3600 })),
    ).toMatchObject({ appCode: 'VALIDATION_FAILED' });
    expect((await buyer.client.reservations.get.query({ id: hold.id })).expiresAt).toBe(hold.expiresAt);
    expect(await level(sku)).toMatchObject({ reserved: 1 });
    expect((await ledger(sku)).kinds).toEqual({ receive: 1, reserve: 1 });
    // The service is not bound by buyer caps.
    const long = await service.reservations.create.mutate({
      lines: [{ sku, quantity: 1 }],
      ttlSeconds: 86_400,
    });
    expect(long.status).toBe('pending');
  });

  it('30 parallel reservations by one buyer with a cap of 10: exactly 10 held, 20 × 429 {limit, current}', async () => {
    const sku = await product(1_000_000);
    const buyer = await freshBuyer();
    const results = await settle(
      Array.from({ length: 30 }, () =>
        buyer.client.reservations.create.mutate({ lines: [{ sku, quantity: 1, warehouseId: nyc }] }),
      ),
    );
    const refused = results.filter((r) => !r.ok);
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(refused).toHaveLength(20);
    for (const r of refused) {
      expect(r).toMatchObject({ appCode: 'RATE_LIMITED', details: { limit: 10, current: 10 } });
    }
    expect(await pendingHoldsOf(buyer.id)).toBe(10);
    expect(await level(sku)).toMatchObject({ onHand: 1_000_000, reserved: 10 });
    expect((await ledger(sku)).kinds).toEqual({ receive: 1, reserve: 10 });

    // Over REST: 429 with Retry-After, and the same details.
    const rest = await fetch(`${api.url}/api/v1/reservations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ sku, quantity: 1 }] }),
    });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await rest.json()) as { error: { details: unknown } }).error.details).toMatchObject({
      limit: 10,
      current: 10,
    });
  });

  it('checkout holds count too: 20 parallel reservations and checkouts by one buyer → exactly 10 holds', async () => {
    const sku = await product(1_000_000);
    const buyer = await freshBuyer();
    const results = await settle<unknown>(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? buyer.client.reservations.create.mutate({ lines: [{ sku, quantity: 1 }] })
          : buyer.client.checkout.start.mutate({ shipTo: SHIP_TO, lines: [{ sku, quantity: 1 }] }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.appCode === 'RATE_LIMITED')).toBe(true);
    expect(await pendingHoldsOf(buyer.id)).toBe(10);
    expect(await level(sku)).toMatchObject({ reserved: 10 });
    // A refused checkout left no order behind.
    const orders = await buyer.client.orders.list.query({ limit: 100 });
    expect(orders.items).toHaveLength(results.filter((r, i) => r.ok && i % 2 === 1).length);
  });

  it('units across a buyer’s holds are capped (BUYER_MAX_HELD_UNITS 40), in parallel', async () => {
    const sku = await product(1_000_000);
    const buyer = await freshBuyer();
    const results = await settle(
      Array.from({ length: 9 }, () =>
        buyer.client.reservations.create.mutate({ lines: [{ sku, quantity: 7 }] }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5); // 35 units; a 6th would be 42
    for (const r of results.filter((x) => !x.ok)) {
      expect(r).toMatchObject({ appCode: 'RATE_LIMITED', details: { limit: 40, current: 35, requested: 7 } });
    }
    expect(await level(sku)).toMatchObject({ reserved: 35 });
    // One quantity of a million (the attack) is refused outright: no wait can make it
    // fit, so not 429 (a client would retry forever) but 400 naming the field.
    expect(
      await failure(buyer.client.reservations.create.mutate({ lines: [{ sku, quantity: 1_000_000 }] })),
    ).toMatchObject({ appCode: 'VALIDATION_FAILED', details: { field: 'quantity', limit: 40 } });
    const fresh = await freshBuyer();
    expect(
      await failure(fresh.client.reservations.create.mutate({ lines: [{ sku, quantity: 41 }] })),
    ).toMatchObject({
      appCode: 'VALIDATION_FAILED',
      details: { field: 'quantity', limit: 40, requested: 41 },
    });
    expect(await level(sku)).toMatchObject({ reserved: 35 });
  });

  it('waitlist entries are capped per buyer (BUYER_MAX_WAITLIST_ENTRIES 3), in parallel', async () => {
    const skus = await Promise.all(Array.from({ length: 6 }, () => product(1)));
    const buyer = await freshBuyer();
    const results = await settle(skus.map((sku) => buyer.client.waitlist.join.mutate({ sku, quantity: 5 })));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    for (const r of results.filter((x) => !x.ok)) {
      expect(r).toMatchObject({ appCode: 'RATE_LIMITED', details: { limit: 3, current: 3 } });
    }
  });
});

describe('money has a cap, in integers', () => {
  it('an order beyond MAX_MONEY_MINOR is refused (400 naming the field) before anything is written', async () => {
    const sku = await product(1_000, MAX_PRICE_MINOR);
    const before = await ledger(sku);
    const orderCount = async () =>
      Number(
        (
          await api.services.db
            .selectFrom('orders')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const orders = await orderCount();
    // 20 × 10^12 = 2 × 10^13 (plus tax): beyond the cap, and beyond 2^53 at 10_000 units.
    for (const quantity of [20, 1_000]) {
      const direct = await failure(
        service.orders.create.mutate({
          lines: [{ sku, quantity }],
          customer: { name: 'Big', email: 'big@example.com' },
          shipTo: SHIP_TO,
        }),
      );
      expect(direct).toMatchObject({
        appCode: 'VALIDATION_FAILED',
        httpStatus: 400,
        details: { field: 'lines', limit: MAX_MONEY_MINOR },
      });
      expect(
        await failure(service.checkout.start.mutate({ shipTo: SHIP_TO, lines: [{ sku, quantity }] })),
      ).toMatchObject({ appCode: 'VALIDATION_FAILED', details: { field: 'lines' } });
    }
    const buyer = await freshBuyer();
    expect(await failure(buyer.client.cart.setItem.mutate({ sku, quantity: 20 }))).toMatchObject({
      appCode: 'VALIDATION_FAILED',
      details: { field: 'quantity' },
    });
    expect((await buyer.client.cart.get.query()).items).toEqual([]);
    expect(await orderCount()).toBe(orders);
    expect(await level(sku)).toMatchObject({ onHand: 1_000, reserved: 0 });
    expect(await ledger(sku)).toEqual(before);
    // At the cap's side of the line it works, exactly.
    const fine = await service.orders.create.mutate({
      lines: [{ sku, quantity: 9 }],
      customer: { name: 'Big', email: 'big@example.com' },
      shipTo: SHIP_TO,
    });
    expect(fine.subtotalMinor).toBe(9 * MAX_PRICE_MINOR);
    expect(fine.taxMinor).toBe(742_500_000_000);
    expect(fine.totalMinor).toBe(9_742_500_000_000);
  });
});

describe('bad input answers 4xx, never 500', () => {
  it('a search of 33+ "-" (and other runs of NOT) answers normally', async () => {
    const anonymous = api.client();
    for (const query of [
      '-'.repeat(33),
      '-'.repeat(200),
      `${'- '.repeat(60)}x`,
      `${'-!'.repeat(60)}x`,
      'a --- -b',
    ]) {
      const page = await anonymous.products.search.query({ query });
      expect(page.items).toEqual(expect.any(Array));
      const rest = await fetch(`${api.url}/api/v1/products?query=${encodeURIComponent(query)}`);
      expect(rest.status).toBe(200);
    }
    // A plain search still finds things.
    expect((await anonymous.products.search.query({ query: 'headphones' })).items.length).toBeGreaterThan(0);
  });

  it('"statement too complex" (54001) and every data exception (class 22) map to VALIDATION_FAILED', () => {
    for (const code of ['54001', '22003', '22P02', '22007', '2201B']) {
      const pgError = Object.assign(new Error('from PostgreSQL'), { code, severity: 'ERROR' });
      expect({ code, appCode: toAppError(pgError).appCode }).toEqual({ code, appCode: 'VALIDATION_FAILED' });
    }
    const internal = Object.assign(new Error('other'), { code: 'XX000', severity: 'ERROR' });
    expect(toAppError(internal).appCode).toBe('INTERNAL');
  });

  it('an overflowing lastEventId is refused once at subscribe time, and nothing is logged every second', async () => {
    const warnings: unknown[] = [];
    const log = {
      warn: (...args: unknown[]) => warnings.push(args),
      info: () => {},
      error: (...args: unknown[]) => warnings.push(args),
      debug: () => {},
      child: () => log,
    };
    const bus = createEventBus(api.services.db, api.database.url, log as never);
    try {
      for (const after of [
        '99999999999999999999.9999999999999999999',
        '18446744073709551616.1',
        '1.9007199254740992',
        '1'.repeat(40),
      ]) {
        const stream = bus.stream({ after, signal: AbortSignal.timeout(3000) });
        const error = await stream.next().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect({ after, appCode: toAppError(error).appCode }).toEqual({
          after,
          appCode: 'VALIDATION_FAILED',
        });
      }
      // The largest position that can exist is accepted and reads nothing.
      const edge = bus.stream({
        after: '18446744073709551615.9007199254740991',
        signal: AbortSignal.timeout(1500),
      });
      expect((await edge.next()).done).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      await bus.close();
    }

    // Over SSE: one error event, VALIDATION_FAILED.
    const token = await api.login('staff@example.com');
    const input = encodeURIComponent(
      JSON.stringify({ lastEventId: '99999999999999999999.9999999999999999999' }),
    );
    const res = await fetch(`${api.url}/trpc/events.onEvent?input=${input}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    const text = await readUntil(res, /event: serialized-error\ndata: (.*)\n/);
    const payload = JSON.parse(/event: serialized-error\ndata: (.*)\n/.exec(text)?.[1] ?? '{}');
    expect(payload.data?.appCode).toBe('VALIDATION_FAILED');
  });
});

describe('staff act only where every warehouse of the order is theirs', () => {
  it('NYC-only staff cancelling an NYC + DFW order: FORBIDDEN, nothing restocked, no ledger rows', async () => {
    const sku = await product(10, 1000, 10);
    const order = await service.orders.create.mutate({
      lines: [
        { sku, quantity: 1, warehouseId: nyc },
        { sku, quantity: 2, warehouseId: dfw },
      ],
      customer: { name: 'Mixed', email: 'mixed@example.com' },
      shipTo: SHIP_TO,
    });
    const before = { nyc: await ledger(sku, nyc), dfw: await ledger(sku, dfw) };
    expect(await failure(staff.orders.cancel.mutate({ id: order.id, reason: 'no' }))).toMatchObject({
      appCode: 'FORBIDDEN',
      httpStatus: 403,
      details: { warehouseIds: [dfw] },
    });
    expect(
      await failure(staff.orders.updateStatus.mutate({ id: order.id, status: 'picking' })),
    ).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    expect({ nyc: await ledger(sku, nyc), dfw: await ledger(sku, dfw) }).toEqual(before);
    expect(await level(sku, nyc)).toMatchObject({ onHand: 9 });
    expect(await level(sku, dfw)).toMatchObject({ onHand: 8 });
    expect((await admin.orders.get.query({ id: order.id })).status).toBe('paid');
    // An admin may, and then both warehouses get their units back.
    await admin.orders.cancel.mutate({ id: order.id, reason: 'admin' });
    expect(await level(sku, nyc)).toMatchObject({ onHand: 10 });
    expect(await level(sku, dfw)).toMatchObject({ onHand: 10 });
  });
});

async function readUntil(res: Response, pattern: RegExp): Promise<string> {
  if (!res.body) throw new Error(`no stream (HTTP ${res.status})`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!pattern.test(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    return text;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

// ------------------------------------------------------------------ found by the attacker review

describe('holes found by trying it as an attacker', () => {
  it('waitlist offers respect the buyer’s caps: no hoarding through the waitlist', async () => {
    const hoarder = await freshBuyer();
    const trigger = await freshBuyer();
    // Entries asking for more than BUYER_MAX_HELD_UNITS are refused outright.
    expect(
      await failure(
        hoarder.client.waitlist.join.mutate({ sku: await product(0), warehouseId: nyc, quantity: 41 }),
      ),
    ).toMatchObject({ appCode: 'VALIDATION_FAILED', details: { field: 'quantity', limit: 40 } });
    // Three products with stock; the hoarder waits for 20 of each (cap 40 units, 3 entries).
    const skus = [await product(20), await product(20), await product(20)];
    for (const sku of skus)
      await hoarder.client.waitlist.join.mutate({ sku, warehouseId: nyc, quantity: 20 });
    // Freeing stock makes offers: 20 + 20 fit under the 40-unit cap, the third does not.
    for (const sku of skus) {
      const hold = await trigger.client.reservations.create.mutate({
        lines: [{ sku, quantity: 1, warehouseId: nyc }],
      });
      await trigger.client.reservations.release.mutate({ id: hold.id });
    }
    const held = await api.services.db
      .selectFrom('reservations as r')
      .innerJoin('reservationLines as l', 'l.reservationId', 'r.id')
      .select([
        (eb) => eb.fn.sum<number>('l.quantity').as('units'),
        sql<number>`max(extract(epoch from r.expires_at - r.created_at))`.as('longest'),
      ])
      .where('r.ownerUserId', '=', hoarder.id)
      .where('r.status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(Number(held.units)).toBe(40);
    // An offer is a buyer's hold: never longer than BUYER_MAX_HOLD_SECONDS (600 here).
    expect(Number(held.longest)).toBeLessThanOrEqual(600);
    // Offered entries with a live hold still count as waitlist entries: no fourth join.
    expect(
      await failure(
        hoarder.client.waitlist.join.mutate({ sku: await product(0), warehouseId: nyc, quantity: 1 }),
      ),
    ).toMatchObject({ appCode: 'RATE_LIMITED' });
    // The third product stays available to everyone.
    expect(await level(skus[2] as string)).toMatchObject({ available: 20 });
  });

  it('an order that has shipped in part cannot be cancelled (shipped units are not restocked)', async () => {
    const sku = await product(5, 1000, 5);
    const order = await service.orders.create.mutate({
      lines: [
        { sku, quantity: 2, warehouseId: nyc },
        { sku, quantity: 1, warehouseId: dfw },
      ],
      customer: { name: 'Partly shipped', email: 'partly@example.com' },
      shipTo: SHIP_TO,
    });
    await admin.orders.updateStatus.mutate({ id: order.id, status: 'picking' });
    await admin.orders.ship.mutate({
      id: order.id,
      warehouseId: nyc,
      carrier: 'UPS',
      trackingNumber: '1Z999',
    });
    const before = { nyc: await ledger(sku, nyc), dfw: await ledger(sku, dfw) };
    expect(await failure(admin.orders.cancel.mutate({ id: order.id, reason: 'changed mind' }))).toMatchObject(
      {
        appCode: 'INVALID_TRANSITION',
        httpStatus: 409,
      },
    );
    expect({ nyc: await ledger(sku, nyc), dfw: await ledger(sku, dfw) }).toEqual(before);
    expect(await level(sku, nyc)).toMatchObject({ onHand: 3 });
  });

  it('a buyer cannot release the hold behind their own pending order', async () => {
    const buyer = await freshBuyer();
    const sku = await product(5);
    const order = await buyer.client.checkout.start.mutate({
      shipTo: SHIP_TO,
      lines: [{ sku, quantity: 2 }],
    });
    const before = await ledger(sku);
    for (const who of [buyer.client, admin, service]) {
      expect(
        await failure(who.reservations.release.mutate({ id: order.reservationId as string })),
      ).toMatchObject({ appCode: 'INVALID_TRANSITION', details: { orderId: order.id } });
    }
    expect(await ledger(sku)).toEqual(before);
    expect(await level(sku)).toMatchObject({ reserved: 2 });
    // Cancelling the order is the way, and it gives the units back.
    await buyer.client.orders.cancel.mutate({ id: order.id, reason: 'changed mind' });
    expect(await level(sku)).toMatchObject({ reserved: 0, available: 5 });
  });

  it('a service token limited to a warehouse reads only orders and holds served there', async () => {
    const sku = await product(0, 1000, 5);
    const dfwOrder = await admin.orders.create.mutate({
      lines: [{ sku, quantity: 1, warehouseId: dfw }],
      customer: { name: 'Jane Private', email: 'jane@example.org' },
      shipTo: SHIP_TO,
    });
    const dfwHold = await admin.reservations.create.mutate({
      lines: [{ sku, quantity: 1, warehouseId: dfw }],
    });
    const issued = await admin.serviceTokens.create.mutate({
      name: `nyc-only-${++counter}`,
      scopes: ['orders', 'reservations'],
      warehouseIds: [nyc],
    });
    const nycOnly = api.client(issued.token as string);
    const listed = await nycOnly.orders.list.query({ limit: 100 });
    expect(listed.items.map((o) => o.id)).not.toContain(dfwOrder.id);
    expect(listed.items.every((o) => o.items.some((i) => i.warehouseId === nyc))).toBe(true);
    expect(await failure(nycOnly.orders.get.query({ id: dfwOrder.id }))).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    expect(await failure(nycOnly.reservations.get.query({ id: dfwHold.id }))).toMatchObject({
      appCode: 'FORBIDDEN',
    });
    // The unlimited service token still reads it.
    expect((await service.orders.get.query({ id: dfwOrder.id })).id).toBe(dfwOrder.id);
  });

  it('a service token limited to a warehouse reads only stock and ledger there (tRPC and REST)', async () => {
    const sku = await product(3, 1000, 7);
    const issued = await admin.serviceTokens.create.mutate({
      name: `nyc-stock-${++counter}`,
      scopes: ['stock:read'],
      warehouseIds: [nyc],
    });
    const nycOnly = api.client(issued.token as string);
    expect(await nycOnly.inventory.get.query({ warehouseId: nyc, sku })).toMatchObject({ onHand: 3 });
    for (const refused of [
      nycOnly.inventory.get.query({ warehouseId: dfw, sku }),
      nycOnly.inventory.list.query({ warehouseId: dfw }),
      nycOnly.inventory.movements.query({ warehouseId: dfw }),
    ]) {
      expect(await failure(refused)).toMatchObject({ appCode: 'FORBIDDEN' });
    }
    const rest = await fetch(`${api.url}/api/v1/stock/DFW-1/${sku}`, {
      headers: { authorization: `Bearer ${issued.token}` },
    });
    expect(rest.status).toBe(403);
    expect(JSON.stringify(await rest.json())).not.toContain('"onHand"');
    // Unfiltered reads hold its warehouse only; the unlimited token sees both.
    const levels = await nycOnly.inventory.list.query({ query: sku, limit: 100 });
    expect(levels.items.map((l) => l.warehouseId)).toEqual([nyc]);
    const moves = await nycOnly.inventory.movements.query({ sku, limit: 100 });
    expect(new Set(moves.items.map((m) => m.warehouseId))).toEqual(new Set([nyc]));
    const all = await service.inventory.list.query({ query: sku, limit: 100 });
    expect(new Set(all.items.map((l) => l.warehouseId))).toEqual(new Set([nyc, dfw]));
  });

  it('an expiring service token is refused from its expiry on, not up to the principal cache later', async () => {
    const sku = await product(1);
    const expiresAt = Date.now() + 3_000;
    const issued = await admin.serviceTokens.create.mutate({
      name: `expiring-${++counter}`,
      scopes: ['stock:read'],
      expiresAt: new Date(expiresAt).toISOString(),
    });
    const expiring = api.client(issued.token as string);
    // Its first use records last_used_at, and that change empties the cache for it: use it once first.
    await expiring.inventory.get.query({ warehouseId: nyc, sku });
    // Resolved (and cached) under a second before it expires: the cache must not outlive it.
    await new Promise((resolve) => setTimeout(resolve, expiresAt - 900 - Date.now()));
    expect(await expiring.inventory.get.query({ warehouseId: nyc, sku })).toMatchObject({ onHand: 1 });
    expect(Date.now()).toBeLessThan(expiresAt);
    await new Promise((resolve) => setTimeout(resolve, expiresAt + 150 - Date.now()));
    expect(await failure(expiring.inventory.get.query({ warehouseId: nyc, sku }))).toMatchObject({
      appCode: 'UNAUTHENTICATED',
    });
  });

  it('a price rise past the money cap leaves the cart readable and trimmable, never checked out', async () => {
    const buyer = await freshBuyer();
    const sku = await product(5, 100);
    await buyer.client.cart.setItem.mutate({ sku, quantity: 1000 });
    await admin.products.update.mutate({ sku, priceMinor: 1_000_000_000_000 });
    const cart = await buyer.client.cart.get.query();
    expect(cart).toMatchObject({ overLimit: true });
    expect(await failure(buyer.client.checkout.start.mutate({ shipTo: SHIP_TO }))).toMatchObject({
      appCode: 'VALIDATION_FAILED',
    });
    await buyer.client.cart.setItem.mutate({ sku, quantity: 1 });
    expect(await buyer.client.cart.get.query()).toMatchObject({
      overLimit: false,
      subtotalMinor: 1_000_000_000_000,
    });
  });
});
