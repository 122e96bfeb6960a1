/**
 * Thousands of random operations, run many at a time against a few hot levels,
 * then the invariants: nothing negative, reserved never above on hand, every
 * level equal to its ledger, held stock equal to pending holds, audit clean.
 * The seed is printed; rerun a failure with TEST_SEED=<seed>.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  adjustStock,
  confirmReservation,
  createReservation,
  extendReservation,
  getReservation,
  getStockLevel,
  isDomainError,
  receiveStock,
  releaseReservation,
  setStock,
  sweepExpiredReservations,
  syncStock,
  verifyLedger,
} from './core.js';
import { admin, makeProduct, makeWarehouse, service, stock } from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 25 });
});
afterAll(() => t.destroy());

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

it('random mixed operations keep every invariant', async () => {
  const seed = Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`randomized test seed: ${seed}`);
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  const warehouses = [
    await makeWarehouse(t.db, { latitude: 0, longitude: 0 }),
    await makeWarehouse(t.db, { latitude: 10, longitude: 10 }),
    await makeWarehouse(t.db, { latitude: 20, longitude: 20 }),
  ];
  const products = [await makeProduct(t.db), await makeProduct(t.db), await makeProduct(t.db)];
  for (const w of warehouses) for (const p of products) await stock(t.db, w.id, p.sku, int(1, 20));

  const reservations: string[] = [];
  const ctx = { db: t.db, actor: admin };
  const svc = { db: t.db, actor: service };
  const counts: Record<string, number> = {};
  const expected = new Set([
    'INSUFFICIENT_STOCK',
    'VERSION_MISMATCH',
    'RESERVATION_EXPIRED',
    'INVALID_TRANSITION',
    'VALIDATION_FAILED',
  ]);

  const operation = async () => {
    const w = pick(warehouses);
    const p = pick(products);
    const roll = random();
    if (roll < 0.35) {
      const lines = Array.from({ length: int(1, 3) }, () => ({
        sku: pick(products).sku,
        quantity: int(1, 4),
        ...(random() < 0.5 ? { warehouseId: pick(warehouses).id } : {}),
      }));
      const r = await createReservation(svc, {
        lines,
        ttlSeconds: random() < 0.2 ? 1 : 600,
        shipTo: { latitude: int(0, 20), longitude: int(0, 20) },
        strategy: pick(['nearest', 'most_stock', 'priority'] as const),
      });
      reservations.push(r.id);
      return 'reserve';
    }
    if (roll < 0.5 && reservations.length > 0) {
      await confirmReservation(svc, { id: pick(reservations) });
      return 'confirm';
    }
    if (roll < 0.62 && reservations.length > 0) {
      await releaseReservation(svc, { id: pick(reservations) });
      return 'release';
    }
    if (roll < 0.66 && reservations.length > 0) {
      await extendReservation(svc, { id: pick(reservations), ttlSeconds: int(1, 60) });
      return 'extend';
    }
    if (roll < 0.7 && reservations.length > 0) {
      await getReservation(t.db, admin, { id: pick(reservations) });
      return 'get';
    }
    if (roll < 0.8) {
      await receiveStock(ctx, { warehouseId: w.id, sku: p.sku, quantity: int(1, 10) });
      return 'receive';
    }
    if (roll < 0.88) {
      const level = await getStockLevel(t.db, { warehouseId: w.id, sku: p.sku });
      await adjustStock(ctx, {
        warehouseId: w.id,
        sku: p.sku,
        delta: pick([-3, -2, -1, 1, 2, 3]),
        expectedVersion: level.version,
        reason: 'random',
      });
      return 'adjust';
    }
    if (roll < 0.94) {
      await setStock(ctx, { warehouseId: w.id, sku: p.sku, onHand: int(0, 30) });
      return 'set';
    }
    if (roll < 0.98) {
      await syncStock(svc, {
        items: products.map((q) => ({
          warehouseId: w.id,
          sku: q.sku,
          onHand: int(0, 30),
          ...(random() < 0.5 ? { countedAt: new Date(Date.now() - int(0, 2000)).toISOString() } : {}),
        })),
      });
      return 'sync';
    }
    await sweepExpiredReservations(t.db);
    return 'sweep';
  };

  const total = 2000;
  const concurrency = 16;
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started++;
        try {
          const kind = await operation();
          counts[kind] = (counts[kind] ?? 0) + 1;
        } catch (error) {
          // Anything else (a deadlock, a constraint violation, a bug) fails the test.
          if (!isDomainError(error) || !expected.has(error.code)) throw error;
          counts[error.code] = (counts[error.code] ?? 0) + 1;
        }
      }
    }),
  );
  console.log('operations', counts);
  // Both successes and refusals must have happened, or the test proves little.
  expect(counts.reserve ?? 0).toBeGreaterThan(100);
  expect(counts.INSUFFICIENT_STOCK ?? 0).toBeGreaterThan(0);

  await new Promise((r) => setTimeout(r, 1100));
  await sweepExpiredReservations(t.db);

  const broken = await sql<{ n: number }>`
    select count(*)::int as n from stock_levels
    where on_hand < 0 or reserved < 0 or reserved > on_hand or available <> on_hand - reserved`.execute(t.db);
  expect(broken.rows[0]?.n).toBe(0);
  const report = await verifyLedger(t.db);
  expect(report.mismatches).toEqual([]);
  expect(report.levelsChecked).toBe(9);
  const pending = await t.db
    .selectFrom('reservations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where('expiresAt', '<=', new Date())
    .executeTakeFirstOrThrow();
  expect(Number(pending.n)).toBe(0);
});
