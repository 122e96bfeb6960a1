import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, cancelOrder, createPaidOrder, listMyProducts, salesReport } from './core.js';
import { admin, makeWarehouse, outcome, stock } from './factories.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 10 });
});
afterAll(() => t.destroy());

const ctx = (actor: Actor = admin) => ({ db: t.db, actor, idempotency: null });
const shipTo = { latitude: 40.7, longitude: -74 };
const customer = { name: 'Walk-in', email: 'walkin@example.com' };

async function makeUser(role: 'seller' | 'staff' | 'buyer'): Promise<Actor> {
  const row = await t.db
    .insertInto('users')
    .values({ email: `${crypto.randomUUID()}@${role}.test`, name: role, passwordHash: 'x', role })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { kind: 'user', id: row.id, role, warehouseIds: [] };
}

async function product(seller: Actor, sku: string, priceMinor: number) {
  const sellerId = seller.kind === 'user' ? seller.id : null;
  return t.db
    .insertInto('products')
    .values({ sku, name: `Name of ${sku}`, category: 'Test', priceMinor, currency: 'USD', sellerId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function order(lines: { sku: string; quantity: number }[], day: string) {
  const created = await createPaidOrder(ctx(), { lines, customer, shipTo });
  await t.db
    .updateTable('orders')
    .set({ createdAt: new Date(`${day}T12:00:00Z`) })
    .where('id', '=', created.id)
    .execute();
  return created;
}

describe('orders.sales and products.mine', () => {
  let alice: Actor;
  let bob: Actor;
  let warehouseId: string;
  beforeAll(async () => {
    alice = await makeUser('seller');
    bob = await makeUser('seller');
    warehouseId = (await makeWarehouse(t.db)).id;
    await product(alice, 'AL-1', 1999);
    await product(alice, 'AL-2', 500);
    await product(bob, 'BO-1', 12345);
    for (const sku of ['AL-1', 'AL-2', 'BO-1']) await stock(t.db, warehouseId, sku, 100);
    // Paid on two days; a mixed order (alice + bob lines); one cancelled; one moved to each other state.
    await order([{ sku: 'AL-1', quantity: 2 }], '2026-03-01');
    await order(
      [
        { sku: 'AL-1', quantity: 1 },
        { sku: 'AL-2', quantity: 3 },
        { sku: 'BO-1', quantity: 4 },
      ],
      '2026-03-02',
    );
    const cancelled = await order([{ sku: 'AL-1', quantity: 7 }], '2026-03-02');
    await cancelOrder(ctx(), { id: cancelled.id, reason: 'test' });
    for (const status of ['pending_payment', 'expired', 'needs_attention'] as const) {
      const o = await order([{ sku: 'AL-2', quantity: 11 }], '2026-03-02');
      await t.db.updateTable('orders').set({ status }).where('id', '=', o.id).execute();
    }
    const shipped = await order([{ sku: 'AL-2', quantity: 1 }], '2026-03-03');
    await t.db.updateTable('orders').set({ status: 'shipped' }).where('id', '=', shipped.id).execute();
  });

  it('a seller sees units and revenue of their own paid-and-later lines, by UTC day', async () => {
    const report = await salesReport(t.db, alice, { groupBy: 'day' });
    expect(report.rows).toEqual([
      { day: '2026-03-01', units: 2, revenueMinor: '3998', currency: 'USD' },
      { day: '2026-03-02', units: 4, revenueMinor: String(1999 + 3 * 500), currency: 'USD' },
      { day: '2026-03-03', units: 1, revenueMinor: '500', currency: 'USD' },
    ]);
    expect(report.totals).toEqual([{ currency: 'USD', units: 7, revenueMinor: String(3 * 1999 + 4 * 500) }]);
  });

  it('by product, filtered by SKU and by a half-open date range; nothing of the other seller', async () => {
    const byProduct = await salesReport(t.db, alice, { groupBy: 'product' });
    expect(byProduct.rows).toEqual([
      { sku: 'AL-1', name: 'Name of AL-1', units: 3, revenueMinor: '5997', currency: 'USD' },
      { sku: 'AL-2', name: 'Name of AL-2', units: 4, revenueMinor: '2000', currency: 'USD' },
    ]);
    const bobs = await salesReport(t.db, bob, { groupBy: 'product' });
    expect(bobs.rows).toEqual([
      { sku: 'BO-1', name: 'Name of BO-1', units: 4, revenueMinor: String(4 * 12345), currency: 'USD' },
    ]);
    // Another seller's SKU gives nothing, not an error that tells it exists.
    expect((await salesReport(t.db, alice, { groupBy: 'product', sku: 'BO-1' })).rows).toEqual([]);
    const ranged = await salesReport(t.db, alice, {
      groupBy: 'day',
      from: '2026-03-02T00:00:00Z',
      to: '2026-03-03T00:00:00Z',
    });
    expect(ranged.rows.map((r) => r.day)).toEqual(['2026-03-02']);
    expect((await salesReport(t.db, alice, { groupBy: 'day', sku: 'AL-2' })).totals[0]?.units).toBe(4);
  });

  it('admins see all or one seller; a seller naming another seller, staff and buyers are refused', async () => {
    const all = await salesReport(t.db, admin, { groupBy: 'product' });
    expect(all.rows.map((r) => r.sku)).toEqual(expect.arrayContaining(['AL-1', 'AL-2', 'BO-1']));
    const justBob = await salesReport(t.db, admin, {
      groupBy: 'product',
      sellerId: bob.kind === 'user' ? bob.id : '',
    });
    expect(justBob.rows.map((r) => r.sku)).toEqual(['BO-1']);
    const bobId = bob.kind === 'user' ? bob.id : '';
    expect(await outcome(salesReport(t.db, alice, { groupBy: 'day', sellerId: bobId }))).toBe('FORBIDDEN');
    expect(await outcome(salesReport(t.db, await makeUser('staff'), { groupBy: 'day' }))).toBe('FORBIDDEN');
    expect(await outcome(salesReport(t.db, await makeUser('buyer'), { groupBy: 'day' }))).toBe('FORBIDDEN');
    expect(
      await outcome(
        salesReport(t.db, alice, {
          groupBy: 'day',
          from: '2026-03-02T00:00:00Z',
          to: '2026-03-01T00:00:00Z',
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    // biome-ignore lint/suspicious/noExplicitAny: deliberately bad input
    expect(await outcome(salesReport(t.db, alice, { groupBy: 'week' } as any))).toBe('VALIDATION_FAILED');
  });

  it('revenue past 2^53 stays exact (summed as numeric, returned as digits)', async () => {
    const carol = await makeUser('seller');
    await product(carol, 'CA-1', 1);
    await stock(t.db, warehouseId, 'CA-1', 10);
    const o = await order([{ sku: 'CA-1', quantity: 3 }], '2026-04-01');
    await t.db
      .updateTable('orderItems')
      .set({ unitPriceMinor: 9_007_199_254_740_993n })
      .where('orderId', '=', o.id)
      .execute();
    const report = await salesReport(t.db, carol, { groupBy: 'product' });
    expect(report.totals).toEqual([
      { currency: 'USD', units: 3, revenueMinor: (9_007_199_254_740_993n * 3n).toString() },
    ]);
  });

  it('products.mine: a seller gets their own products with stock per warehouse; admins all', async () => {
    const mine = await listMyProducts(t.db, alice, { limit: 1 });
    expect(mine.items.map((p) => p.sku)).toEqual(['AL-1']);
    expect(mine.items[0]?.stock.perWarehouse).toEqual([
      expect.objectContaining({ warehouseId, onHand: 100 - 3 - 7 + 7, reserved: 0 }),
    ]);
    const next = await listMyProducts(t.db, alice, { limit: 10, cursor: mine.nextCursor ?? '' });
    expect(next.items.map((p) => p.sku)).toEqual(['AL-2']);
    expect(next.nextCursor).toBeNull();
    expect((await listMyProducts(t.db, bob, undefined)).items.map((p) => p.sku)).toEqual(['BO-1']);
    const everything = await listMyProducts(t.db, admin, { limit: 100 });
    expect(everything.items.map((p) => p.sku)).toEqual(expect.arrayContaining(['AL-1', 'BO-1']));
    expect(await outcome(listMyProducts(t.db, await makeUser('staff'), undefined))).toBe('FORBIDDEN');
    expect(await outcome(listMyProducts(t.db, alice, { cursor: 'nope', limit: 5 }))).toBe(
      'VALIDATION_FAILED',
    );
  });
});
