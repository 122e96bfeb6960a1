import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/seed.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

async function counts() {
  const row = await sql<Record<string, number>>`
    select (select count(*) from warehouses)::int as warehouses,
           (select count(*) from products)::int as products,
           (select count(*) from stock_levels)::int as levels,
           (select count(*) from stock_movements)::int as movements,
           (select count(*) from users)::int as users,
           (select count(*) from service_tokens)::int as tokens,
           (select coalesce(sum(on_hand), 0) from stock_levels)::int as on_hand`.execute(t.db);
  return row.rows[0];
}

describe('demo seed', () => {
  it('creates the demo world and a second run changes nothing', async () => {
    await seedDemo(t.db);
    const first = await counts();
    expect(first).toMatchObject({ warehouses: 5, users: 4, tokens: 1 });
    expect(first?.products).toBeGreaterThanOrEqual(50);
    expect(first?.levels).toBe((first?.products ?? 0) * 5);
    await seedDemo(t.db);
    expect(await counts()).toEqual(first);
  });

  it('writes opening stock through the ledger, so levels equal movement sums', async () => {
    const drift = await sql<{ n: number }>`
      select count(*)::int as n from stock_levels s
      left join (select warehouse_id, product_id, sum(on_hand_delta) as oh from stock_movements group by 1, 2) m
        using (warehouse_id, product_id)
      where s.on_hand <> coalesce(m.oh, 0)`.execute(t.db);
    expect(drift.rows[0]?.n).toBe(0);
  });

  it('refuses to run in production', async () => {
    await expect(seedDemo(t.db, { environment: 'production' })).rejects.toThrow(/production/);
  });
});

describe('schema invariants', () => {
  it('cannot store an impossible stock level', async () => {
    const level = await t.db
      .selectFrom('stockLevels')
      .select(['warehouseId', 'productId'])
      .executeTakeFirstOrThrow();
    const where = sql`warehouse_id = ${level.warehouseId} and product_id = ${level.productId}`;
    await expect(sql`update stock_levels set on_hand = -1 where ${where}`.execute(t.db)).rejects.toThrow(
      /check/,
    );
    await expect(sql`update stock_levels set reserved = -1 where ${where}`.execute(t.db)).rejects.toThrow(
      /check/,
    );
    await expect(
      sql`update stock_levels set reserved = on_hand + 1 where ${where}`.execute(t.db),
    ).rejects.toThrow(/check/);
    await expect(sql`update stock_levels set available = 5 where ${where}`.execute(t.db)).rejects.toThrow();
  });

  it('keeps the ledger append-only', async () => {
    await expect(sql`update stock_movements set on_hand_delta = 0`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from stock_movements`.execute(t.db)).rejects.toThrow(/append-only/);
  });
});
