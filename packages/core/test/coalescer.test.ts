import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, ReservationCoalescer, verifyLedger } from './core.js';
import { ledgerOf, levelOf, makeProduct, makeWarehouse, outcome, service, stock } from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 30 });
});
afterAll(() => t.destroy());

const ctx = (key?: string, actor: Actor = service) => ({
  db: t.db,
  actor,
  idempotency: key ? { principal: 'service:test', procedure: 'reservations.create', key } : null,
});

describe('hot-row coalescing', () => {
  it('batches concurrent reservations of one level: exactly the stock is held, each request answered alone', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 37);
    const batches: number[] = [];
    const coalescer = new ReservationCoalescer(t.db, { onBatch: (size) => batches.push(size) });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        coalescer
          .reserve(ctx(), {
            lines: [{ sku: p.sku, quantity: 1, warehouseId: w.id }],
            reference: `buyer-${i}`,
          })
          .then(
            (r) => ({ ok: r }),
            (e) => ({ code: e.code as string, shortages: e.details?.shortages }),
          ),
      ),
    );
    await coalescer.close();
    const wins = answers.flatMap((a) => ('ok' in a ? [a.ok] : []));
    const losses = answers.filter((a) => !('ok' in a));
    expect(wins).toHaveLength(37);
    expect(losses.every((l) => 'code' in l && l.code === 'INSUFFICIENT_STOCK')).toBe(true);
    expect(new Set(wins.map((r) => r.id)).size).toBe(37);
    expect(wins.every((r) => r.status === 'pending' && r.lines[0]?.quantity === 1)).toBe(true);
    // Fewer transactions than requests: that is the point.
    expect(batches.length).toBeLessThan(200);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(200);

    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 37, reserved: 37, available: 0 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 37, reserved: 37 });
    const movements = await t.db
      .selectFrom('stockMovements')
      .select('reference')
      .where('productId', '=', p.id)
      .where('kind', '=', 'reserve')
      .execute();
    expect(movements.map((m) => m.reference).sort()).toEqual(wins.map((r) => r.id).sort());
    const events = await t.db
      .selectFrom('events')
      .select('aggregateId')
      .where('type', '=', 'reservation.created')
      .where(
        'aggregateId',
        'in',
        wins.map((r) => r.id),
      )
      .execute();
    expect(events).toHaveLength(37);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('several processes (coalescers) on one database never oversell', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 100);
    const processes = [
      new ReservationCoalescer(t.db),
      new ReservationCoalescer(t.db),
      new ReservationCoalescer(t.db),
    ];
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        outcome(
          (processes[i % 3] as ReservationCoalescer).reserve(ctx(), {
            lines: [{ sku: p.sku, quantity: 1 + (i % 2), warehouseId: w.id }],
          }),
        ).then((o) => ({ o, q: 1 + (i % 2) })),
      ),
    );
    await Promise.all(processes.map((c) => c.close()));
    const held = results.filter((r) => r.o === 'ok').reduce((s, r) => s + r.q, 0);
    expect(results.every((r) => r.o === 'ok' || r.o === 'INSUFFICIENT_STOCK')).toBe(true);
    expect(held).toBe(100);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 100, available: 0 });
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('keeps idempotency inside and across batches', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 10);
    const coalescer = new ReservationCoalescer(t.db);
    const input = { lines: [{ sku: p.sku, quantity: 2, warehouseId: w.id }] };
    const same = await Promise.all(Array.from({ length: 20 }, () => coalescer.reserve(ctx('k-1'), input)));
    expect(new Set(same.map((r) => JSON.stringify(r))).size).toBe(1);
    const later = await coalescer.reserve(ctx('k-1'), input);
    expect(later).toEqual(same[0]);
    expect(
      await outcome(
        coalescer.reserve(ctx('k-1'), { lines: [{ sku: p.sku, quantity: 3, warehouseId: w.id }] }),
      ),
    ).toBe('IDEMPOTENCY_KEY_REUSED');
    // A refused request leaves its key free: the same key succeeds once stock exists.
    expect(
      await outcome(
        coalescer.reserve(ctx('k-2'), { lines: [{ sku: p.sku, quantity: 9, warehouseId: w.id }] }),
      ),
    ).toBe('INSUFFICIENT_STOCK');
    await stock(t.db, w.id, p.sku, 1);
    expect(
      await outcome(
        coalescer.reserve(ctx('k-2'), { lines: [{ sku: p.sku, quantity: 9, warehouseId: w.id }] }),
      ),
    ).toBe('ok');
    await coalescer.close();
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 11, available: 0 });
  });

  it('replays exact retries of a key behind another request under that key in the same batch', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 10);
    const coalescer = new ReservationCoalescer(t.db);
    const first = { lines: [{ sku: p.sku, quantity: 2, warehouseId: w.id }] };
    const other = { lines: [{ sku: p.sku, quantity: 1, warehouseId: w.id }] };
    const stored = await coalescer.reserve(ctx('k-retry'), first);
    const sizes: number[] = [];
    const watched = new ReservationCoalescer(t.db, { onBatch: (size) => sizes.push(size) });
    // The filler runs alone; the next three wait for it and form one batch, the odd one out first.
    const filler = watched.reserve(ctx(), other);
    const answers = await Promise.all(
      [other, first, first].map((input) =>
        watched.reserve(ctx('k-retry'), input).then(
          (r) => r,
          (e) => e.code as string,
        ),
      ),
    );
    await filler;
    await Promise.all([coalescer.close(), watched.close()]);
    expect(sizes).toEqual([1, 3]);
    expect(answers).toEqual(['IDEMPOTENCY_KEY_REUSED', stored, stored]);
    // Only the first request and the filler hold stock.
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 3, available: 7 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 10, reserved: 3 });
  });

  it('gives back the key of a request refused for an unknown product or warehouse, alone or beside others', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 5);
    const sizes: number[] = [];
    const coalescer = new ReservationCoalescer(t.db, { shards: 1, onBatch: (size) => sizes.push(size) });
    const later = `LATER-${p.sku}`;
    const missingWarehouse = crypto.randomUUID();
    const reserve = (key: string, sku: string, warehouseId = w.id) =>
      outcome(coalescer.reserve(ctx(key), { lines: [{ sku, quantity: 1, warehouseId }] }));
    // A batch of one refused request, then (while a first batch runs) a batch of refused ones beside a good one.
    expect(await reserve('nf-alone', later)).toBe('NOT_FOUND');
    expect(
      await Promise.all([
        reserve('first', p.sku),
        reserve('nf-beside', later),
        reserve('nf-warehouse', p.sku, missingWarehouse),
        reserve('ok-beside', p.sku),
      ]),
    ).toEqual(['ok', 'NOT_FOUND', 'NOT_FOUND', 'ok']);
    expect(sizes).toEqual([1, 1, 3]);
    const keys = await t.db
      .selectFrom('idempotencyRecords')
      .select(['key', 'response'])
      .where('key', 'in', ['nf-alone', 'nf-beside', 'nf-warehouse', 'ok-beside'])
      .execute();
    // Only the reservation keeps its key (with its answer); the refused ones are free again.
    expect(keys.map((k) => k.key)).toEqual(['ok-beside']);
    expect(keys[0]?.response).toMatchObject({ status: 'pending' });
    const q = await makeProduct(t.db, { sku: later });
    await stock(t.db, w.id, q.sku, 5);
    expect(await Promise.all([reserve('nf-alone', later), reserve('nf-beside', later)])).toEqual([
      'ok',
      'ok',
    ]);
    await coalescer.close();
    expect(await levelOf(t.db, w.id, q.id)).toMatchObject({ reserved: 2 });
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 2 });
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('allocates, splits and refuses inside a batch like the plain path, and isolates bad requests', async () => {
    const near = await makeWarehouse(t.db, { latitude: 40.7, longitude: -74 });
    const far = await makeWarehouse(t.db, { latitude: 34, longitude: -118 });
    const p = await makeProduct(t.db);
    await stock(t.db, near.id, p.sku, 3);
    await stock(t.db, far.id, p.sku, 3);
    const coalescer = new ReservationCoalescer(t.db);
    const shipTo = { latitude: 42.3, longitude: -71 };
    const [a, b, unknown, c] = await Promise.all([
      coalescer.reserve(ctx(), { lines: [{ sku: p.sku, quantity: 2 }], shipTo }),
      coalescer.reserve(ctx(), { lines: [{ sku: p.sku, quantity: 3 }], shipTo }),
      outcome(coalescer.reserve(ctx(), { lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] })),
      outcome(coalescer.reserve(ctx(), { lines: [{ sku: p.sku, quantity: 2 }], shipTo })),
    ]);
    await coalescer.close();
    expect(a.lines).toEqual([{ sku: p.sku, warehouseId: near.id, quantity: 2 }]);
    // 3 more: 1 left near, 3 far → the far warehouse can serve all of it.
    expect(b.lines).toEqual([{ sku: p.sku, warehouseId: far.id, quantity: 3 }]);
    expect(unknown).toBe('NOT_FOUND');
    expect(c).toBe('INSUFFICIENT_STOCK');
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('refuses new work when its queue is full (back-pressure)', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 1000);
    const coalescer = new ReservationCoalescer(t.db, { shards: 1, maxQueue: 5, maxBatch: 5 });
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        outcome(coalescer.reserve(ctx(), { lines: [{ sku: p.sku, quantity: 1, warehouseId: w.id }] })),
      ),
    );
    await coalescer.close();
    expect(results.filter((r) => r === 'RATE_LIMITED').length).toBeGreaterThan(0);
    const ok = results.filter((r) => r === 'ok').length;
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: ok });
  });
});
