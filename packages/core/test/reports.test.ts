/**
 * dashboard.summary: figures over every row (a catalogue far larger than a
 * page), equal to the same totals taken straight from the tables, scoped to
 * the caller's warehouses.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, createPaidOrder, dashboardSummary } from './core.js';
import { admin, makeWarehouse, outcome, service } from './factories.js';

const PRODUCTS = 2_500;
let t: TestDatabase;
let east: string;
let west: string;

beforeAll(async () => {
  t = await createTestDatabase({ max: 5 });
  east = (await makeWarehouse(t.db, { latitude: 40.7, longitude: -74 })).id;
  west = (await makeWarehouse(t.db, { latitude: 34, longitude: -118 })).id;
  await sql`
    insert into products (sku, name, category, price_minor, currency)
    select 'REP-' || lpad(i::text, 5, '0'), 'Report item ' || i, 'Test',
      100 + i, case when i % 5 = 0 then 'EUR' else 'USD' end
    from generate_series(1, ${PRODUCTS}::int) i`.execute(t.db);
  // Every product at east (on hand 1..9), every other one at west; safety stock 3 at west.
  await sql`
    insert into stock_levels (warehouse_id, product_id, on_hand, reserved)
    select ${east}::uuid, id, 1 + right(sku, 5)::int % 9, 0 from products where sku like 'REP-%'`.execute(
    t.db,
  );
  await sql`
    insert into stock_levels (warehouse_id, product_id, on_hand, reserved, safety_stock)
    select ${west}::uuid, id, right(sku, 5)::int % 4, 0, 3 from products
    where sku like 'REP-%' and right(sku, 5)::int % 2 = 0`.execute(t.db);
  // Orders: some served from west only (ship to LA), some from east.
  for (const [sku, latitude, longitude] of [
    ['REP-00002', 34, -118],
    ['REP-00006', 34, -118],
    ['REP-00001', 40.7, -74],
  ] as const) {
    await createPaidOrder(
      { db: t.db, actor: admin, idempotency: null },
      {
        lines: [{ sku, quantity: 1 }],
        customer: { name: 'A', email: 'a@example.com' },
        shipTo: { latitude, longitude },
      },
    );
  }
}, 120_000);
afterAll(() => t?.destroy());

/** The same figures, taken by a different query straight from the tables. */
async function truth(warehouses: string[]) {
  const { rows } = await sql<{
    onHand: number;
    reserved: number;
    available: number;
    low: number;
    out: number;
    usd: string;
  }>`
    select sum(on_hand)::int as "onHand", sum(reserved)::int as reserved, sum(on_hand - reserved)::int as available,
      count(*) filter (where on_hand - reserved between 1 and safety_stock)::int as low,
      count(*) filter (where on_hand - reserved <= 0)::int as out,
      sum(on_hand * p.price_minor) filter (where p.currency = 'USD')::text as usd
    from stock_levels s join products p on p.id = s.product_id
    where s.warehouse_id = any(${warehouses}::uuid[])`.execute(t.db);
  return rows[0];
}

const staffOf = (warehouseIds: string[]): Actor => ({
  kind: 'user',
  id: '00000000-0000-4000-8000-0000000000aa',
  role: 'staff',
  warehouseIds,
});

describe('dashboard summary', () => {
  it('adds up every level and every order for an admin', async () => {
    const summary = await dashboardSummary(t.db, admin, undefined);
    const expected = await truth([east, west]);
    expect(summary.warehouseIds).toBeNull();
    expect(summary.products).toBe(PRODUCTS);
    expect(summary).toMatchObject({
      onHand: expected?.onHand,
      held: expected?.reserved,
      available: expected?.available,
      lowStock: expected?.low,
      outOfStock: expected?.out,
    });
    expect(summary.stockValueMinor.USD).toBe(expected?.usd);
    expect(Object.keys(summary.stockValueMinor)).toEqual(['EUR', 'USD']);
    expect(summary.ordersByStatus.paid).toBe(3);
    expect(summary.ordersTotal).toBe(3);
  });

  it("counts only the staff member's own warehouses", async () => {
    const summary = await dashboardSummary(t.db, staffOf([west]), {});
    const expected = await truth([west]);
    expect(summary.warehouseIds).toEqual([west]);
    expect(summary.products).toBe(PRODUCTS / 2);
    expect(summary.onHand).toBe(expected?.onHand);
    expect(summary.lowStock).toBe(expected?.low);
    expect(summary.ordersByStatus.paid).toBe(2);

    const narrowed = await dashboardSummary(t.db, admin, { warehouseId: east });
    expect(narrowed.onHand).toBe((await truth([east]))?.onHand);
    expect(narrowed.ordersByStatus.paid).toBe(1);
  });

  it('refuses figures of a warehouse outside the caller’s scope', async () => {
    expect(await outcome(dashboardSummary(t.db, staffOf([west]), { warehouseId: east }))).toBe('FORBIDDEN');
    const limited: Actor = { ...(service as Extract<Actor, { kind: 'service' }>), warehouseIds: [east] };
    expect(await outcome(dashboardSummary(t.db, limited, { warehouseId: west }))).toBe('FORBIDDEN');
    expect((await dashboardSummary(t.db, limited, {})).onHand).toBe((await truth([east]))?.onHand);
    const none = await dashboardSummary(t.db, staffOf([]), {});
    expect(none.onHand).toBe(0);
    expect(none.ordersTotal).toBe(0);
    expect(await outcome(dashboardSummary(t.db, admin, { warehouseId: 'x'.repeat(5000) }))).toBe(
      'VALIDATION_FAILED',
    );
  });
});
