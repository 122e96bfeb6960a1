import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  adjustStock,
  createReservation,
  getStockLevel,
  listMovements,
  listStockLevels,
  previewSync,
  readStockLevel,
  receiveStock,
  setStock,
  syncStock,
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

const ctx = (actor: Actor = admin) => ({ db: t.db, actor });

describe('inventory', () => {
  it('receive creates the level, counts up, and writes one movement and one event per change', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    const first = await receiveStock(ctx(), { warehouseId: w.id, sku: p.sku, quantity: 5 });
    const second = await receiveStock(ctx(), { warehouseId: w.id, sku: p.sku, quantity: 7, reason: 'PO-1' });
    expect(first).toMatchObject({ onHand: 5, reserved: 0, available: 5, version: 2, sku: p.sku });
    expect(second).toMatchObject({ onHand: 12, available: 12, version: 3 });
    const movements = await listMovements(t.db, service, { sku: p.sku });
    expect(movements.items.map((m) => [m.kind, m.onHandDelta, m.reason])).toEqual([
      ['receive', 7, 'PO-1'],
      ['receive', 5, null],
    ]);
    expect(movements.items[0]?.actor).toBe(`user:${admin.kind === 'user' ? admin.id : ''}`);
    const events = await t.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'stock.changed')
      .where('aggregateId', '=', `${w.id}:${p.sku}`)
      .execute();
    expect(events.map((e) => e.payload.onHand)).toEqual([5, 12]);
  });

  it('concurrent adjusts with the same expectedVersion: exactly one wins, the rest see VERSION_MISMATCH', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    const level = await stock(t.db, w.id, p.sku, 50);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcome(
          adjustStock(ctx(), {
            warehouseId: w.id,
            sku: p.sku,
            delta: -1,
            expectedVersion: level.version,
            reason: 'damaged',
          }),
        ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'VERSION_MISMATCH')).toHaveLength(19);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 49, version: level.version + 1 });
    expect(await ledgerOf(t.db, w.id, p.id)).toEqual({ onHand: 49, reserved: 0 });
  });

  it('VERSION_MISMATCH carries the current version and level', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 10);
    const err = await adjustStock(ctx(), {
      warehouseId: w.id,
      sku: p.sku,
      delta: 1,
      expectedVersion: 1,
      reason: 'found',
    }).catch((e) => e);
    expect(err.code).toBe('VERSION_MISMATCH');
    expect(err.details).toMatchObject({ currentVersion: 2, current: { onHand: 10, version: 2, sku: p.sku } });
  });

  it('cannot adjust or set away units that are reserved', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 10);
    await createReservation(ctx(service), { lines: [{ sku: p.sku, quantity: 8, warehouseId: w.id }] });
    const level = await levelOf(t.db, w.id, p.id);
    expect(
      await outcome(
        adjustStock(ctx(), {
          warehouseId: w.id,
          sku: p.sku,
          delta: -3,
          expectedVersion: level.version,
          reason: 'x',
        }),
      ),
    ).toBe('INSUFFICIENT_STOCK');
    expect(await outcome(setStock(ctx(), { warehouseId: w.id, sku: p.sku, onHand: 7 }))).toBe(
      'INSUFFICIENT_STOCK',
    );
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 10, reserved: 8 });
  });

  it('set writes the difference to the ledger and supports compare-and-set', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    const level = await stock(t.db, w.id, p.sku, 10);
    const set = await setStock(ctx(), {
      warehouseId: w.id,
      sku: p.sku,
      onHand: 4,
      expectedVersion: level.version,
    });
    expect(set).toMatchObject({ onHand: 4, version: level.version + 1 });
    expect(
      await outcome(
        setStock(ctx(), { warehouseId: w.id, sku: p.sku, onHand: 9, expectedVersion: level.version }),
      ),
    ).toBe('VERSION_MISMATCH');
    // Setting the same value is not a change: no version bump, no movement.
    const same = await setStock(ctx(), { warehouseId: w.id, sku: p.sku, onHand: 4 });
    expect(same.version).toBe(set.version);
    const movements = await listMovements(t.db, service, { sku: p.sku, warehouseId: w.id });
    expect(movements.items.map((m) => [m.kind, m.onHandDelta])).toEqual([
      ['set', -6],
      ['receive', 10],
    ]);
  });

  it('sync applies newer counts, skips equal ones and refuses counts older than the last change', async () => {
    const w = await makeWarehouse(t.db);
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => makeProduct(t.db)));
    if (!a || !b || !c || !d) throw new Error('factories');
    await stock(t.db, w.id, a.sku, 10);
    await stock(t.db, w.id, b.sku, 10);
    const beforeChange = new Date(Date.now() - 60_000).toISOString();
    await stock(t.db, w.id, c.sku, 10);
    const result = await syncStock(ctx(service), {
      items: [
        { warehouseId: w.id, sku: a.sku, onHand: 12, countedAt: new Date().toISOString() },
        { warehouseId: w.id, sku: b.sku, onHand: 10 },
        { warehouseId: w.id, sku: c.sku, onHand: 3, countedAt: beforeChange },
        { warehouseId: w.id, sku: d.sku, onHand: 6 },
      ],
    });
    expect(result.changed.map((l) => [l.sku, l.onHand]).sort()).toEqual(
      [
        [a.sku, 12],
        [d.sku, 6],
      ].sort(),
    );
    expect(result.unchanged).toBe(1);
    expect(result.stale).toEqual([{ warehouseId: w.id, sku: c.sku }]);
    expect(await levelOf(t.db, w.id, c.id)).toMatchObject({ onHand: 10 });
    // A count "from tomorrow" (a store clock running ahead) would beat every later change:
    // refused, and nothing moves; a clock a minute fast is tolerated.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const future = syncStock(ctx(service), {
      items: [{ warehouseId: w.id, sku: c.sku, onHand: 1, countedAt: tomorrow }],
    });
    expect(await outcome(future)).toBe('VALIDATION_FAILED');
    expect(await levelOf(t.db, w.id, c.id)).toMatchObject({ onHand: 10 });
    const aMinuteAhead = new Date(Date.now() + 60_000).toISOString();
    await syncStock(ctx(service), {
      items: [{ warehouseId: w.id, sku: c.sku, onHand: 9, countedAt: aMinuteAhead }],
    });
    expect(await levelOf(t.db, w.id, c.id)).toMatchObject({ onHand: 9 });
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('sync of 1000 items is one transaction: one bad line and nothing is written', async () => {
    const w = await makeWarehouse(t.db);
    const products = await Promise.all(Array.from({ length: 1000 }, () => makeProduct(t.db)));
    const items = products.map((p, i) => ({ warehouseId: w.id, sku: p.sku, onHand: i }));
    const first = await syncStock(ctx(), { items });
    expect(first.changed).toHaveLength(999);
    expect(first.unchanged).toBe(1);
    const bad = items.map((item, i) =>
      i === 500 ? { ...item, sku: 'NO-SUCH-SKU' } : { ...item, onHand: 1 },
    );
    expect(await outcome(syncStock(ctx(), { items: bad }))).toBe('NOT_FOUND');
    const total = await t.db
      .selectFrom('stockLevels')
      .select((eb) => eb.fn.sum<number>('onHand').as('sum'))
      .where('warehouseId', '=', w.id)
      .executeTakeFirstOrThrow();
    expect(Number(total.sum)).toBe((999 * 1000) / 2);
  });

  it('sync: a count below what is reserved refuses it all; else one movement and one event per change', async () => {
    const w = await makeWarehouse(t.db);
    const products = await Promise.all(Array.from({ length: 20 }, () => makeProduct(t.db)));
    for (const p of products) await stock(t.db, w.id, p.sku, 10);
    const held = products[7] as (typeof products)[number];
    await createReservation(ctx(service), { lines: [{ sku: held.sku, quantity: 5, warehouseId: w.id }] });
    const counted = (held: number) =>
      products.map((p, i) => ({ warehouseId: w.id, sku: p.sku, onHand: i === 7 ? held : 10 + (i % 2) }));
    const count = async (table: 'stock_movements' | 'events') =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.db)).rows[0]
        ?.n ?? 0;
    const [movements, events] = [await count('stock_movements'), await count('events')];
    expect(await outcome(syncStock(ctx(), { items: counted(4) }))).toBe('INSUFFICIENT_STOCK');
    expect([await count('stock_movements'), await count('events')]).toEqual([movements, events]);
    const result = await syncStock(ctx(), { items: counted(6) });
    expect(result.changed).toHaveLength(10); // the odd ones: nine recounted at 11, the held one at 6
    expect(result.unchanged).toBe(10);
    // receive left them at version 2 (the reservation took the held one to 3): each change adds one
    expect(result.changed.every((l) => l.version === (l.sku === held.sku ? 4 : 3))).toBe(true);
    expect(result.changed.find((l) => l.sku === held.sku)).toMatchObject({ onHand: 6, reserved: 5 });
    expect([await count('stock_movements'), await count('events')]).toEqual([movements + 10, events + 10]);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('concurrent syncs of the same levels each apply in full (a waiting lock writes the newer row)', async () => {
    const w = await makeWarehouse(t.db);
    const products = await Promise.all(Array.from({ length: 100 }, () => makeProduct(t.db)));
    const items = (n: number) => products.map((p) => ({ warehouseId: w.id, sku: p.sku, onHand: n }));
    const results = await Promise.all([1, 2, 3, 4].map((n) => syncStock(ctx(), { items: items(n) })));
    expect(results.map((r) => r.changed.length)).toEqual([100, 100, 100, 100]);
    const last = await levelOf(t.db, w.id, (products[0] as (typeof products)[number]).id);
    expect(last?.version).toBe(5);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('no index on stock_levels covers a column a stock change writes (level updates stay HOT)', async () => {
    const { rows } = await sql<{ name: string }>`
      select i.indexrelid::regclass::text as name
      from pg_index i join pg_attribute a on a.attrelid = i.indrelid
      where i.indrelid = 'stock_levels'::regclass
        and a.attname in ('on_hand', 'reserved', 'available', 'version', 'updated_at')
        and (a.attnum = any(i.indkey)
          or pg_get_expr(i.indexprs, i.indrelid) ~ a.attname
          or pg_get_expr(i.indpred, i.indrelid) ~ a.attname)`.execute(t.db);
    expect(rows).toEqual([]);
  });

  it('staff may change stock only in their own warehouses', async () => {
    const mine = await makeWarehouse(t.db);
    const theirs = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    const staff: Actor = { kind: 'user', id: crypto.randomUUID(), role: 'staff', warehouseIds: [mine.id] };
    expect(await outcome(receiveStock(ctx(staff), { warehouseId: mine.id, sku: p.sku, quantity: 1 }))).toBe(
      'ok',
    );
    expect(await outcome(receiveStock(ctx(staff), { warehouseId: theirs.id, sku: p.sku, quantity: 1 }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await outcome(
        syncStock(ctx(staff), {
          items: [
            { warehouseId: mine.id, sku: p.sku, onHand: 5 },
            { warehouseId: theirs.id, sku: p.sku, onHand: 5 },
          ],
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(await outcome(getStockLevel(t.db, { warehouseId: theirs.id, sku: p.sku }))).toBe('NOT_FOUND');
  });

  it('a token limited to some warehouses reads only their stock and ledger', async () => {
    const mine = await makeWarehouse(t.db);
    const theirs = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, mine.id, p.sku, 4);
    await stock(t.db, theirs.id, p.sku, 9);
    const token = (warehouseIds: string[]): Actor => ({
      kind: 'service',
      id: '00000000-0000-4000-8000-000000000003',
      name: 'store',
      scopes: ['stock:read', 'stock:write'],
      warehouseIds,
    });
    const limited = token([mine.id]);
    const nowhere = token([]);
    const at = (warehouseId: string) => ({ warehouseId, sku: p.sku });

    expect(await readStockLevel(t.db, limited, at(mine.id))).toMatchObject({ onHand: 4 });
    expect(await outcome(readStockLevel(t.db, limited, at(theirs.id)))).toBe('FORBIDDEN');
    expect(await outcome(listStockLevels(t.db, limited, { warehouseId: theirs.id }))).toBe('FORBIDDEN');
    expect(await outcome(listMovements(t.db, limited, { warehouseId: theirs.id }))).toBe('FORBIDDEN');
    // Unfiltered, a limited token sees its warehouses only; the unlimited one sees both.
    const levels = (actor: Actor) =>
      listStockLevels(t.db, actor, { query: p.sku, limit: 100 }).then((page) =>
        page.items.map((l) => l.warehouseId).sort(),
      );
    expect(await levels(limited)).toEqual([mine.id]);
    expect(await levels(nowhere)).toEqual([]);
    expect(await levels(service)).toEqual([mine.id, theirs.id].sort());
    const ledger = (actor: Actor) =>
      listMovements(t.db, actor, { sku: p.sku, limit: 100 }).then((page) => [
        ...new Set(page.items.map((m) => m.warehouseId)),
      ]);
    expect(await ledger(limited)).toEqual([mine.id]);
    expect(await ledger(nowhere)).toEqual([]);
    // A sync preview row at another warehouse is refused without its figures.
    const preview = await previewSync(t.db, limited, {
      rows: [
        { warehouse: mine.code, sku: p.sku, onHand: 5 },
        { warehouse: theirs.code, sku: p.sku, onHand: 5 },
      ],
    });
    expect(preview.rows.map((r) => [r.status, r.current?.onHand ?? null])).toEqual([
      ['changed', 4],
      ['invalid', null],
    ]);
  });

  it('lists levels with filters, low stock and a cursor that visits each level once', async () => {
    const w = await makeWarehouse(t.db);
    const products = await Promise.all(Array.from({ length: 25 }, () => makeProduct(t.db)));
    for (const [i, p] of products.entries()) await stock(t.db, w.id, p.sku, i + 1);
    await sql`update stock_levels set safety_stock = 5 where warehouse_id = ${w.id}`.execute(t.db);
    for (const sort of ['sku', 'available', 'updatedAt'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listStockLevels(t.db, service, { warehouseId: w.id, sort, limit: 7, cursor });
        seen.push(...page.items.map((l) => l.sku));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
    }
    const low = await listStockLevels(t.db, service, { warehouseId: w.id, lowStock: true, limit: 100 });
    expect(low.items.map((l) => l.available).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
    const bySku = await listStockLevels(t.db, service, { query: products[3]?.sku.toLowerCase() });
    expect(bySku.items.map((l) => l.sku)).toEqual([products[3]?.sku]);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['zero quantity', { quantity: 0 }],
    ['negative quantity', { quantity: -5 }],
    ['fractional quantity', { quantity: 1.5 }],
    ['huge quantity', { quantity: 10 ** 12 }],
    ['string quantity', { quantity: '5' }],
    ['over-long reason', { reason: 'x'.repeat(501) }],
    ['extra field', { quantity: 1, onHand: 99 }],
    ['bad sku charset', { sku: 'drop table;' }],
    ['over-long sku', { sku: 'A'.repeat(65) }],
    ['bad warehouse id', { warehouseId: 'not-a-uuid' }],
  ])('receive with %s → VALIDATION_FAILED', async (_name, patch) => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    const before = await t.db
      .selectFrom('stockMovements')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const err = await receiveStock(ctx(), {
      warehouseId: w.id,
      sku: p.sku,
      quantity: 1,
      ...patch,
    } as never).catch((e) => e);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details.issues.length).toBeGreaterThan(0);
    expect(err.message).not.toMatch(/select|insert|stock_levels/i);
    const after = await t.db
      .selectFrom('stockMovements')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(after).toEqual(before);
  });

  it('unknown sku and unknown warehouse → NOT_FOUND, nothing written', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    expect(await outcome(receiveStock(ctx(), { warehouseId: w.id, sku: 'UNKNOWN-1', quantity: 1 }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await outcome(receiveStock(ctx(), { warehouseId: crypto.randomUUID(), sku: p.sku, quantity: 1 })),
    ).toBe('NOT_FOUND');
    const levels = await t.db.selectFrom('stockLevels').selectAll().where('productId', '=', p.id).execute();
    expect(levels).toEqual([]);
  });

  it('reservation input limits', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 5);
    const cases: unknown[] = [
      { lines: [] },
      { lines: [{ sku: p.sku, quantity: 0 }] },
      { lines: [{ sku: p.sku, quantity: 1 }], ttlSeconds: 0 },
      { lines: [{ sku: p.sku, quantity: 1 }], ttlSeconds: 86_401 },
      { lines: [{ sku: p.sku, quantity: 1 }], shipTo: { latitude: 91, longitude: 0 } },
      { lines: [{ sku: p.sku, quantity: 1 }], strategy: 'cheapest' },
      { lines: Array.from({ length: 101 }, () => ({ sku: p.sku, quantity: 1 })) },
    ];
    for (const input of cases) {
      expect(await outcome(createReservation(ctx(service), input as never))).toBe('VALIDATION_FAILED');
    }
    expect(await outcome(createReservation(ctx(service), { lines: [{ sku: 'NOPE-1', quantity: 1 }] }))).toBe(
      'NOT_FOUND',
    );
    const count = await t.db
      .selectFrom('reservationLines')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('productId', '=', p.id)
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(0);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ reserved: 0 });
  });
});

describe('audit', () => {
  it('reports drift instead of repairing it', async () => {
    const w = await makeWarehouse(t.db);
    const p = await makeProduct(t.db);
    await stock(t.db, w.id, p.sku, 5);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
    // A write that bypasses the ledger (what a bug would do).
    await sql`update stock_levels set on_hand = on_hand + 2 where warehouse_id = ${w.id} and product_id = ${p.id}`.execute(
      t.db,
    );
    const report = await verifyLedger(t.db);
    expect(report.mismatches).toEqual([
      expect.objectContaining({ check: 'ledger', sku: p.sku, onHand: 7, expectedOnHand: 5 }),
    ]);
    expect(await levelOf(t.db, w.id, p.id)).toMatchObject({ onHand: 7 });
    expect(report.levelsChecked).toBeGreaterThan(0);
  });
});
