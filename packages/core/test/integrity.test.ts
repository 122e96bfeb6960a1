/**
 * Issue 10 in core: buyer caps that hold under concurrency on every path that
 * makes a buyer's hold (the coalescer — one transaction for many buyers — its
 * fallback, the plain path and checkout), holds of orders committed only by
 * their payment even with legacy data, and the integer money cap.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  cancelOrder,
  confirmReservation,
  createReservation,
  endHold,
  extendReservation,
  joinWaitlist,
  lockReservation,
  MAX_MONEY_MINOR,
  parsePosition,
  paymentSucceeded,
  priceLines,
  queryWords,
  ReservationCoalescer,
  releaseReservation,
  searchProducts,
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

const ctx = (actor: Actor, key?: string) => ({
  db: t.db,
  actor,
  idempotency: key ? { principal: `test:${key}`, procedure: 'p', key } : null,
});
const shipTo = { latitude: 40.7, longitude: -74 };
const limits = { buyerLimits: { maxActiveHolds: 10, maxHeldUnits: 100, maxHoldSeconds: 1800 } };

async function makeBuyer(): Promise<Actor> {
  const row = await t.db
    .insertInto('users')
    .values({ email: `${crypto.randomUUID()}@buyer.test`, name: 'Buyer', passwordHash: 'x', role: 'buyer' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { kind: 'user', id: row.id, role: 'buyer', warehouseIds: [] };
}

async function setup(units: number, priceMinor = 1000) {
  const w = await makeWarehouse(t.db, { latitude: 40.7, longitude: -74 });
  const p = await makeProduct(t.db, { priceMinor });
  await stock(t.db, w.id, p.sku, units);
  return { w, p };
}

const settle = (calls: Promise<unknown>[]) =>
  Promise.all(
    calls.map((c) =>
      c.then(
        () => 'ok',
        (e: { code?: string }) => e.code ?? String(e),
      ),
    ),
  );

async function pendingOf(buyer: Actor) {
  const row = await t.db
    .selectFrom('reservations as r')
    .innerJoin('reservationLines as l', 'l.reservationId', 'r.id')
    .select((eb) => [
      eb.fn.count<number>(sql`distinct r.id`).as('holds'),
      eb.fn.coalesce(eb.fn.sum<number>('l.quantity'), eb.lit(0)).as('units'),
    ])
    .where('r.ownerUserId', '=', (buyer as { id: string }).id)
    .where('r.status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { holds: Number(row.holds), units: Number(row.units) };
}

describe('buyer caps under concurrency', () => {
  it('30 parallel holds by one buyer through three coalescers (three processes): exactly 10', async () => {
    const { w, p } = await setup(1000);
    const buyer = await makeBuyer();
    const processes = [0, 1, 2].map(() => new ReservationCoalescer(t.db, limits));
    const results = await settle(
      Array.from({ length: 30 }, (_, i) =>
        (processes[i % 3] as ReservationCoalescer).reserve(ctx(buyer), {
          lines: [{ sku: p.sku, quantity: 1, warehouseId: w.id }],
        }),
      ),
    );
    await Promise.all(processes.map((c) => c.close()));
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'RATE_LIMITED')).toBe(true);
    expect(await pendingOf(buyer)).toEqual({ holds: 10, units: 10 });
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 1000, reserved: 10 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 1000, reserved: 10 });
  });

  it('one batch with many buyers: each buyer capped on their own, refusals hold nothing', async () => {
    const { w, p } = await setup(1000);
    const buyers = await Promise.all(Array.from({ length: 5 }, () => makeBuyer()));
    const coalescer = new ReservationCoalescer(t.db, { ...limits, shards: 1 });
    const results = await settle(
      Array.from({ length: 75 }, (_, i) =>
        coalescer.reserve(ctx(buyers[i % 5] as Actor, `k-${i}`), {
          lines: [{ sku: p.sku, quantity: 3, warehouseId: w.id }],
        }),
      ),
    );
    await coalescer.close();
    expect(results.filter((r) => r === 'ok')).toHaveLength(5 * 10);
    for (const buyer of buyers) expect(await pendingOf(buyer)).toEqual({ holds: 10, units: 30 });
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 150 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 1000, reserved: 150 });
    // A refused request gave its idempotency key back: no stored answer for it.
    const records = await t.db
      .selectFrom('idempotencyRecords')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key', 'like', 'k-%')
      .executeTakeFirstOrThrow();
    expect(Number(records.n)).toBe(50);
  });

  it('plain path, checkout and the coalescer together, with units capped: never past either cap', async () => {
    const { w, p } = await setup(10_000);
    const buyer = await makeBuyer();
    const coalescer = new ReservationCoalescer(t.db, limits);
    const results = await settle(
      Array.from({ length: 36 }, (_, i) => {
        const lines = [{ sku: p.sku, quantity: 9 }];
        if (i % 3 === 0) return coalescer.reserve(ctx(buyer), { lines });
        if (i % 3 === 1) return createReservation(ctx(buyer), { lines }, limits);
        return startCheckout(ctx(buyer), { lines, shipTo }, limits);
      }),
    );
    await coalescer.close();
    const held = await pendingOf(buyer);
    // 9 units each: the hold cap (10) allows 90 units, the unit cap (100) 11 holds — 10 win.
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(held).toEqual({ holds: 10, units: 90 });
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'RATE_LIMITED')).toBe(true);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 90 });
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('released or ended holds free the slot; services and admins are not capped', async () => {
    const { w, p } = await setup(1000);
    const buyer = await makeBuyer();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push((await createReservation(ctx(buyer), { lines: [{ sku: p.sku, quantity: 1 }] }, limits)).id);
    }
    const refused = await createReservation(
      ctx(buyer),
      { lines: [{ sku: p.sku, quantity: 1 }] },
      limits,
    ).catch((e) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 10, current: 10 } });
    expect(refused.details.retryAfterSeconds).toBeGreaterThan(0);
    await releaseReservation(ctx(buyer), { id: ids[0] as string });
    expect(
      await outcome(createReservation(ctx(buyer), { lines: [{ sku: p.sku, quantity: 1 }] }, limits)),
    ).toBe('ok');
    for (const actor of [service, admin]) {
      const many = await settle(
        Array.from({ length: 15 }, () =>
          createReservation(
            ctx(actor),
            { lines: [{ sku: p.sku, quantity: 20 }], ttlSeconds: 86_400 },
            limits,
          ),
        ),
      );
      expect(many.every((r) => r === 'ok')).toBe(true);
    }
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 10 + 2 * 15 * 20 });
  });

  it('a buyer’s hold is at most maxHoldSeconds, extensions included; the default fits under it', async () => {
    const { p } = await setup(100);
    const buyer = await makeBuyer();
    const tooLong = await createReservation(
      ctx(buyer),
      { lines: [{ sku: p.sku, quantity: 1 }], ttlSeconds: 1801 },
      limits,
    ).catch((e) => e);
    expect(tooLong).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'ttlSeconds', limit: 1800 },
    });
    // RESERVATION_TTL_SECONDS above the buyer cap: a buyer's default is the cap.
    const hold = await createReservation(
      ctx(buyer),
      { lines: [{ sku: p.sku, quantity: 1 }] },
      { ...limits, defaultTtlSeconds: 7200 },
    );
    const seconds = (Date.parse(hold.expiresAt) - Date.parse(hold.createdAt)) / 1000;
    expect(seconds).toBeCloseTo(1800, 0);
    expect(await outcome(extendReservation(ctx(buyer), { id: hold.id, ttlSeconds: 1800 }, limits))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await outcome(extendReservation(ctx(buyer), { id: hold.id, ttlSeconds: 3600 }, limits))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await outcome(extendReservation(ctx(buyer), { id: hold.id, ttlSeconds: 60 }, limits))).toBe('ok');
    const row = await t.db
      .selectFrom('reservations')
      .select(sql<number>`extract(epoch from hold_limit_at - created_at)::int`.as('max'))
      .where('id', '=', hold.id)
      .executeTakeFirstOrThrow();
    expect(row.max).toBe(1800);
  });

  it('waitlist joins: 25 in parallel with a cap of 20 → exactly 20 entries; an offer passes over a capped buyer', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    const buyer = await makeBuyer();
    const results = await settle(
      Array.from({ length: 25 }, () =>
        joinWaitlist(ctx(buyer), { sku: p.sku, quantity: 1 }, { buyerLimits: { maxWaitlistEntries: 20 } }),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(20);
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'RATE_LIMITED')).toBe(true);
    // The buyer fills their holds elsewhere; stock arriving is not offered to them while
    // they are at their caps (an offer is a hold), and their entries keep waiting.
    const other = await setup(100);
    for (let i = 0; i < 10; i++) {
      await createReservation(ctx(buyer), { lines: [{ sku: other.p.sku, quantity: 1 }] }, limits);
    }
    await stock(t.db, w.id, p.sku, 1);
    expect(await pendingOf(buyer)).toEqual({ holds: 10, units: 10 });
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ available: 1, reserved: 0 });
  });
});

describe('an order’s hold is committed only by its payment, exactly once', () => {
  it('a buyer never confirms; admin and service are refused on an order’s hold; payment commits once', async () => {
    const { w, p } = await setup(100);
    const buyer = await makeBuyer();
    const own = await createReservation(ctx(buyer), { lines: [{ sku: p.sku, quantity: 5 }] }, limits);
    expect(await outcome(confirmReservation(ctx(buyer), { id: own.id }))).toBe('FORBIDDEN');
    const staff: Actor = { kind: 'user', id: crypto.randomUUID(), role: 'staff', warehouseIds: [w.id] };
    expect(await outcome(confirmReservation(ctx(staff), { id: own.id }))).toBe('FORBIDDEN');

    const order = await startCheckout(ctx(buyer), { lines: [{ sku: p.sku, quantity: 3 }], shipTo }, limits);
    const hold = order.reservationId as string;
    for (const actor of [admin, service]) {
      const refused = await confirmReservation(ctx(actor), { id: hold }).catch((e) => e);
      expect(refused).toMatchObject({ code: 'INVALID_TRANSITION', details: { orderId: order.id } });
    }
    const paid = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        paymentSucceeded(ctx(service, `pay-${order.id}-${i}`), {
          orderId: order.id,
          paymentReference: `r${i}`,
        }),
      ),
    );
    expect(paid.every((o) => o.status === 'paid')).toBe(true);
    expect(await outcome(confirmReservation(ctx(service), { id: hold }))).toBe('INVALID_TRANSITION');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 97, reserved: 5 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 97, reserved: 5 });
  });

  it('legacy data (an order hold confirmed directly): payment does not take the units again; cancel restocks', async () => {
    const { w, p } = await setup(100);
    const buyer = await makeBuyer();
    const confirmDirectly = (id: string) =>
      t.db.transaction().execute(async (trx) => {
        await lockReservation(trx, id);
        await endHold(trx, id, 'confirmed', 'legacy');
      });
    const first = await startCheckout(ctx(buyer), { lines: [{ sku: p.sku, quantity: 3 }], shipTo }, limits);
    await confirmDirectly(first.reservationId as string);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 97, reserved: 0 });
    const paid = await paymentSucceeded(ctx(service), { orderId: first.id, paymentReference: 'late' });
    expect(paid.status).toBe('paid');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 97, reserved: 0 });

    const second = await startCheckout(ctx(buyer), { lines: [{ sku: p.sku, quantity: 2 }], shipTo }, limits);
    await confirmDirectly(second.reservationId as string);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 95 });
    await cancelOrder(ctx(buyer), { id: second.id, reason: 'changed my mind' });
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 97, reserved: 0 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 97, reserved: 0 });
  });
});

describe('staff act only where every warehouse is theirs', () => {
  it('resolving needs_attention by staff may not commit stock at a warehouse that is not theirs', async () => {
    const nyc = await makeWarehouse(t.db, { latitude: 40.7, longitude: -74 });
    const dfw = await makeWarehouse(t.db, { latitude: 32.8, longitude: -96.8 });
    const p = await makeProduct(t.db);
    await stock(t.db, nyc.id, p.sku, 2);
    const staff: Actor = { kind: 'user', id: crypto.randomUUID(), role: 'staff', warehouseIds: [nyc.id] };
    const order = await startCheckout(ctx(service), { lines: [{ sku: p.sku, quantity: 2 }], shipTo });
    // The hold runs out and someone else takes the NYC units; the money arrives late.
    await t.db
      .updateTable('reservations')
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where('id', '=', order.reservationId as string)
      .execute();
    await sweepExpiredReservations(t.db);
    await createReservation(ctx(service), { lines: [{ sku: p.sku, quantity: 2, warehouseId: nyc.id }] });
    const late = await paymentSucceeded(ctx(service), { orderId: order.id, paymentReference: 'late' });
    expect(late.status).toBe('needs_attention');
    // Stock arrives only at DFW: staff of NYC cannot commit it.
    await stock(t.db, dfw.id, p.sku, 5);
    const before = await ledgerOf(t.db, dfw.id, p.id);
    const refused = await updateOrderStatus(ctx(staff), { id: order.id, status: 'paid' }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { warehouseIds: [dfw.id] } });
    expect(await ledgerOf(t.db, dfw.id, p.id)).toEqual(before);
    expect(await levelOf(t.db, dfw.id, p.id)).toMatchObject({ onHand: 5, reserved: 0 });
    expect((await updateOrderStatus(ctx(admin), { id: order.id, status: 'paid' })).status).toBe('paid');
    expect(await levelOf(t.db, dfw.id, p.id)).toMatchObject({ onHand: 3, reserved: 0 });
  });
});

describe('money, search text and event positions', () => {
  it('prices in exact integers up to MAX_MONEY_MINOR, refused above it naming the field', () => {
    expect(priceLines([{ quantity: 3, unitPriceMinor: 1999 }])).toEqual({
      subtotalMinor: 5997,
      taxMinor: 495,
      totalMinor: 6492,
    });
    // Where floats go wrong: 2^53 + 1 is not a double; here it is never reached.
    const edge = priceLines([{ quantity: 1, unitPriceMinor: MAX_MONEY_MINOR }], { taxRateBps: 0 });
    expect(edge.totalMinor).toBe(MAX_MONEY_MINOR);
    expect(() => priceLines([{ quantity: 1, unitPriceMinor: MAX_MONEY_MINOR }], { taxRateBps: 1 })).toThrow(
      /more than one order may/,
    );
    let error: unknown;
    try {
      priceLines([{ quantity: 1_000_000, unitPriceMinor: 1_000_000_000_000 }], {}, 'quantity');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'quantity', limit: MAX_MONEY_MINOR, totalMinor: '1082500000000000000' },
    });
    // Exact where float arithmetic is not: 5998268233571 × 6669 / 10^4 = 4000245084968.4…, which
    // Math.round(s * r / 10_000) in doubles makes …969.
    expect(priceLines([{ quantity: 1, unitPriceMinor: 5_998_268_233_571 }], { taxRateBps: 6669 })).toEqual({
      subtotalMinor: 5_998_268_233_571,
      taxMinor: 4_000_245_084_968,
      totalMinor: 9_998_513_318_539,
    });
  });

  it('a run of NOT operators never nests: searches with 33+ "-" answer', async () => {
    expect(queryWords('- - -x')).toMatchObject({ terms: [], excluded: ['x'] });
    expect(queryWords('noise-cancelling -red')).toMatchObject({
      terms: [{ word: 'cancelling', compound: 'noise-cancelling', head: 'noise' }],
      excluded: ['red'],
    });
    for (const query of [
      '-'.repeat(33),
      `${'- '.repeat(80)}x`,
      `${'-!('.repeat(60)}x`,
      `${'-"'.repeat(90)}x`,
    ]) {
      await expect(searchProducts(t.db, { query })).resolves.toMatchObject({ items: expect.any(Array) });
    }
  });

  it('event positions parse only when they fit their types', () => {
    expect(parsePosition('123.45')).toEqual({ txid: '123', id: 45 });
    expect(parsePosition('18446744073709551615.9007199254740991')).toBeDefined();
    for (const bad of [
      '99999999999999999999.9999999999999999999',
      '18446744073709551616.1',
      '1.9007199254740992',
      '1'.repeat(40),
      '1.',
      '.1',
    ]) {
      expect({ bad, parsed: parsePosition(bad) }).toEqual({ bad, parsed: undefined });
    }
  });
});
