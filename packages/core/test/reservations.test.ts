import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  confirmReservation,
  createReservation,
  extendReservation,
  getReservation,
  type Reservation,
  releaseReservation,
  sweepExpiredReservations,
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

const ctx = (actor: Actor = service) => ({ db: t.db, actor });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reservations under concurrency', () => {
  it('200 concurrent single-unit reservations against 37 units: exactly 37 win', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 37);

    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        outcome(createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 1, warehouseId: w.id }] })),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(37);
    expect(results.filter((r) => r === 'INSUFFICIENT_STOCK')).toHaveLength(163);

    const level = await levelOf(t.db, w.id, p.id);
    expect(level).toMatchObject({ onHand: 37, reserved: 37, available: 0 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 37, reserved: 37 });
    const held = await t.db
      .selectFrom('reservationLines')
      .select((eb) => eb.fn.sum<number>('quantity').as('q'))
      .where('productId', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(Number(held.q)).toBe(37);
  });

  it('auto-allocated reservations racing for stock split across warehouses never oversell', async () => {
    const a = await makeWarehouse(t.db, { latitude: 10, longitude: 10 });
    const b = await makeWarehouse(t.db, { latitude: 20, longitude: 20 });
    const p = await makeProduct(t.db);
    await stock(t.db, a.id, p.sku, 11);
    await stock(t.db, b.id, p.sku, 9);

    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        outcome(
          createReservation(ctx(), {
            lines: [{ sku: p.sku, quantity: 1 + (i % 3) }],
            shipTo: { latitude: 10, longitude: 10 },
          }),
        ),
      ),
    );
    expect(results.every((r) => r === 'ok' || r === 'INSUFFICIENT_STOCK')).toBe(true);
    const levels = [await levelOf(t.db, a.id, p.id), await levelOf(t.db, b.id, p.id)];
    const reserved = levels.reduce((sum, l) => sum + l.reserved, 0);
    const wins = results.map((r, i) => (r === 'ok' ? 1 + (i % 3) : 0)).reduce((x, y) => x + y, 0);
    expect(reserved).toBe(wins);
    expect(reserved).toBeLessThanOrEqual(20);
    // Nearly everything sells: only lines bigger than the last units may lose.
    expect(reserved).toBeGreaterThanOrEqual(18);
    for (const l of levels) expect(l.reserved).toBeLessThanOrEqual(l.onHand);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('multi-line reservations locking the same rows in opposite orders do not deadlock', async () => {
    const w1 = await makeWarehouse(t.db);
    const w2 = await makeWarehouse(t.db);
    const p1 = await makeProduct(t.db);
    const p2 = await makeProduct(t.db);
    for (const w of [w1, w2]) for (const p of [p1, p2]) await stock(t.db, w.id, p.sku, 25);
    const forward = [
      { sku: p1.sku, quantity: 1, warehouseId: w1.id },
      { sku: p2.sku, quantity: 1, warehouseId: w2.id },
      { sku: p2.sku, quantity: 1, warehouseId: w1.id },
      { sku: p1.sku, quantity: 1, warehouseId: w2.id },
    ];
    const backward = [...forward].reverse();
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        outcome(createReservation(ctx(), { lines: i % 2 === 0 ? forward : backward })),
      ),
    );
    // 25 units of each of the four levels, one per reservation: 25 winners, no deadlock errors.
    expect(results.filter((r) => r === 'ok')).toHaveLength(25);
    expect(results.filter((r) => r === 'INSUFFICIENT_STOCK')).toHaveLength(55);
    for (const w of [w1, w2]) {
      for (const p of [p1, p2]) {
        expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 25, reserved: 25 });
      }
    }
  });

  it('50 concurrent calls with one idempotency key: one effect, 50 identical answers', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 10);
    const input = { lines: [{ sku: p.sku, quantity: 2, warehouseId: w.id }], reference: 'cart-42' };
    const scope = { principal: 'service:test', procedure: 'reservations.create', key: 'key-50' };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => createReservation({ ...ctx(), idempotency: scope }, input)),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 2 });
    const count = await t.db
      .selectFrom('reservations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('reference', '=', 'cart-42')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    // The same key with another input is refused and changes nothing.
    expect(
      await outcome(
        createReservation({ ...ctx(), idempotency: scope }, {
          ...input,
          lines: [{ ...input.lines[0], quantity: 3 }],
        } as typeof input),
      ),
    ).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 2 });
  });
});

describe('reservation lifecycle', () => {
  async function setup(quantity = 10) {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, quantity);
    return { w, p };
  }

  it('sums lines for the same product before checking', async () => {
    const { w, p } = await setup(5);
    const err = await createReservation(ctx(), {
      lines: [
        { sku: p.sku, quantity: 3, warehouseId: w.id },
        { sku: p.sku, quantity: 3, warehouseId: w.id },
      ],
    }).catch((e) => e);
    expect(err.code).toBe('INSUFFICIENT_STOCK');
    expect(err.details.shortages).toEqual([{ sku: p.sku, warehouseId: w.id, requested: 6, available: 5 }]);
    const ok = await createReservation(ctx(), {
      lines: [
        { sku: p.sku, quantity: 2, warehouseId: w.id },
        { sku: p.sku, quantity: 3, warehouseId: w.id },
      ],
    });
    expect(ok.lines).toEqual([{ sku: p.sku, warehouseId: w.id, quantity: 5 }]);
  });

  it('names every short line and changes nothing when one line is short', async () => {
    const { w, p } = await setup(5);
    const q = await makeProduct(t.db);
    await stock(t.db, w.id, q.sku, 1);
    const r = await makeProduct(t.db);
    await stock(t.db, w.id, r.sku, 100);
    const err = await createReservation(ctx(), {
      lines: [
        { sku: p.sku, quantity: 6, warehouseId: w.id },
        { sku: q.sku, quantity: 2, warehouseId: w.id },
        { sku: r.sku, quantity: 1, warehouseId: w.id },
      ],
    }).catch((e) => e);
    expect(err.code).toBe('INSUFFICIENT_STOCK');
    expect(err.details.shortages.map((s: { sku: string }) => s.sku).sort()).toEqual([p.sku, q.sku].sort());
    expect(await levelOf(t.db, w.id, r.id)).toMatchObject({ reserved: 0, version: 2 });
  });

  it('confirm takes the held units out of stock; release puts them back', async () => {
    const { w, p } = await setup(10);
    const a = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 4, warehouseId: w.id }] });
    const b = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 3, warehouseId: w.id }] });
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 10, reserved: 7, available: 3 });
    expect((await confirmReservation(ctx(), { id: a.id })).status).toBe('confirmed');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 6, reserved: 3, available: 3 });
    expect((await releaseReservation(ctx(), { id: b.id })).status).toBe('released');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 6, reserved: 0, available: 6 });
    // Repeating an end state is harmless; crossing between them is not.
    expect((await confirmReservation(ctx(), { id: a.id })).status).toBe('confirmed');
    expect(await outcome(releaseReservation(ctx(), { id: a.id }))).toBe('INVALID_TRANSITION');
    expect(await outcome(confirmReservation(ctx(), { id: b.id }))).toBe('INVALID_TRANSITION');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 6, reserved: 0 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 6, reserved: 0 });
  });

  it('a 1-second hold is released by the sweeper without anyone reading it', async () => {
    const { w, p } = await setup(3);
    const r = await createReservation(ctx(), {
      lines: [{ sku: p.sku, quantity: 3, warehouseId: w.id }],
      ttlSeconds: 1,
    });
    expect(await sweepExpiredReservations(t.db)).not.toContain(r.id);
    await sleep(1100);
    expect(await sweepExpiredReservations(t.db)).toContain(r.id);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 0, available: 3 });
    const row = await t.db
      .selectFrom('reservations')
      .select('status')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('expired');
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('reading a due hold expires it (lazy expiry), and confirming it fails', async () => {
    const { w, p } = await setup(3);
    const r = await createReservation(ctx(), {
      lines: [{ sku: p.sku, quantity: 2, warehouseId: w.id }],
      ttlSeconds: 1,
    });
    await sleep(1100);
    expect((await getReservation(t.db, admin, { id: r.id })).status).toBe('expired');
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 0 });

    const r2 = await createReservation(ctx(), {
      lines: [{ sku: p.sku, quantity: 2, warehouseId: w.id }],
      ttlSeconds: 1,
    });
    await sleep(1100);
    expect(await outcome(confirmReservation(ctx(), { id: r2.id }))).toBe('RESERVATION_EXPIRED');
    // Touching it ended the hold even though the confirm failed.
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('extends a pending hold, within the bound', async () => {
    const { w, p } = await setup(3);
    const r = await createReservation(ctx(), {
      lines: [{ sku: p.sku, quantity: 1, warehouseId: w.id }],
      ttlSeconds: 5,
    });
    const extended = await extendReservation(ctx(), { id: r.id, ttlSeconds: 600 });
    expect(Date.parse(extended.expiresAt) - Date.parse(r.expiresAt)).toBeGreaterThan(590_000);
    expect(await outcome(extendReservation(ctx(), { id: r.id, ttlSeconds: 86_400 }))).toBe(
      'VALIDATION_FAILED',
    );
    await releaseReservation(ctx(), { id: r.id });
    expect(await outcome(extendReservation(ctx(), { id: r.id, ttlSeconds: 60 }))).toBe('INVALID_TRANSITION');
  });

  it('buyers may only touch their own reservations', async () => {
    const { w, p } = await setup(3);
    const alice: Actor = { kind: 'user', id: crypto.randomUUID(), role: 'buyer', warehouseIds: [] };
    const bob: Actor = { kind: 'user', id: crypto.randomUUID(), role: 'buyer', warehouseIds: [] };
    // Buyers are users: create rows so the owner foreign key holds.
    for (const u of [alice, bob]) {
      await t.db
        .insertInto('users')
        .values({
          id: u.kind === 'user' ? u.id : '',
          email: `${u.kind === 'user' ? u.id : ''}@t.test`,
          name: 'b',
          passwordHash: 'x',
          role: 'buyer',
        })
        .execute();
    }
    const r = await createReservation(ctx(alice), {
      lines: [{ sku: p.sku, quantity: 1, warehouseId: w.id }],
    });
    expect(await outcome(getReservation(t.db, bob, { id: r.id }))).toBe('FORBIDDEN');
    expect(await outcome(releaseReservation(ctx(bob), { id: r.id }))).toBe('FORBIDDEN');
    expect((await getReservation(t.db, alice, { id: r.id })).status).toBe('pending');
    expect((await releaseReservation(ctx(alice), { id: r.id })).status).toBe('released');
  });
});

describe('allocation', () => {
  it('holds the line at the nearest warehouse that can serve all of it, else splits by distance', async () => {
    const p = await makeProduct(t.db);
    const near = await makeWarehouse(t.db, { latitude: 40.7, longitude: -74 }); // New York
    const mid = await makeWarehouse(t.db, { latitude: 41.9, longitude: -87.6 }); // Chicago
    const far = await makeWarehouse(t.db, { latitude: 34, longitude: -118 }); // Los Angeles
    await stock(t.db, near.id, p.sku, 2);
    await stock(t.db, mid.id, p.sku, 3);
    await stock(t.db, far.id, p.sku, 50);
    const boston = { latitude: 42.36, longitude: -71.06 };

    const small: Reservation = await createReservation(ctx(), {
      lines: [{ sku: p.sku, quantity: 2 }],
      shipTo: boston,
    });
    expect(small.lines).toEqual([{ sku: p.sku, warehouseId: near.id, quantity: 2 }]);
    await releaseReservation(ctx(), { id: small.id });

    // 3 fit whole in Chicago (the nearest that can serve all of it) rather than splitting.
    const whole = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 3 }], shipTo: boston });
    expect(whole.lines).toEqual([{ sku: p.sku, warehouseId: mid.id, quantity: 3 }]);
    await releaseReservation(ctx(), { id: whole.id });

    const most = await createReservation(ctx(), {
      lines: [{ sku: p.sku, quantity: 1 }],
      strategy: 'most_stock',
    });
    expect(most.lines[0]?.warehouseId).toBe(far.id);
    await releaseReservation(ctx(), { id: most.id });

    // 54 is more than any one warehouse has: split nearest first.
    const split = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 54 }], shipTo: boston });
    const byWarehouse = Object.fromEntries(split.lines.map((l) => [l.warehouseId, l.quantity]));
    expect(byWarehouse).toEqual({ [near.id]: 2, [mid.id]: 3, [far.id]: 49 });

    const err = await createReservation(ctx(), {
      lines: [{ sku: p.sku, quantity: 2 }],
      shipTo: boston,
    }).catch((e) => e);
    expect(err.code).toBe('INSUFFICIENT_STOCK');
    expect(err.details.shortages).toEqual([{ sku: p.sku, requested: 2, available: 1 }]);
  });

  it('priority strategy follows warehouse priority and skips inactive warehouses', async () => {
    const p = await makeProduct(t.db);
    const second = await makeWarehouse(t.db, { priority: 2 });
    const first = await makeWarehouse(t.db, { priority: 1, active: false });
    await stock(t.db, second.id, p.sku, 5);
    await stock(t.db, first.id, p.sku, 5);
    const r = await createReservation(ctx(), { lines: [{ sku: p.sku, quantity: 1 }], strategy: 'priority' });
    expect(r.lines[0]?.warehouseId).toBe(second.id);
  });
});
