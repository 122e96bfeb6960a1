/**
 * The hot statements are prepared once per connection (their text carries
 * PREPARED_MARK): PostgreSQL parses and plans them once, not on every keystroke
 * or every reservation. Through a transaction pooler nothing is named
 * (packages/db connection.ts).
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createReservation,
  paymentSucceeded,
  releaseReservation,
  searchProducts,
  startCheckout,
} from './core.js';
import { levelOf, makeProduct, makeWarehouse, service, stock } from './factories.js';

let database: TestDatabase;

beforeAll(async () => {
  // One connection: every statement below runs in the same server session.
  database = await createTestDatabase({ max: 1 });
});

afterAll(async () => {
  await database?.destroy();
});

it('prepares the terms and page statements once and reuses them for every search', async () => {
  const { db } = database;
  for (const query of ['lantern', 'lanturn', 'headph', 'EL-', 'nothing-like-this-zz']) {
    await searchProducts(db, { query, limit: 10 });
    await searchProducts(db, { query, limit: 10 });
  }
  const { rows } = await sql<{ name: string; calls: number; statement: string }>`
    select name, generic_plans + custom_plans as calls, statement from pg_prepared_statements
    where name like 'sr\\_%'`.execute(db);
  const terms = rows.filter((r) => r.statement.includes('search_words'));
  const pages = rows.filter((r) => r.statement.includes('stock_levels'));
  expect(terms.length).toBeGreaterThanOrEqual(1);
  expect(pages.length).toBeGreaterThanOrEqual(1);
  // Prepared once, run many times.
  const runs = rows.reduce((sum, r) => sum + Number(r.calls), 0);
  expect(runs).toBeGreaterThan(rows.length);
});

it('prepares the reservation writes once: the hundredth reservation parses nothing new, and stock adds up', async () => {
  const { db } = database;
  const w = await makeWarehouse(db);
  const products = [await makeProduct(db), await makeProduct(db)];
  for (const p of products) await stock(db, w.id, p.sku, 500);
  const statements = async () =>
    (
      await sql<{ name: string; runs: number; statement: string }>`
        select name, generic_plans + custom_plans as runs, statement from pg_prepared_statements
        where name like 'sr\\_%'`.execute(db)
    ).rows;
  const reserveAndRelease = async (i: number) => {
    const p = products[i % 2] as (typeof products)[number];
    const idempotency = { principal: 'service:prep', procedure: 'reservations.create', key: `prep-${i}` };
    const r = await createReservation(
      { db, actor: service, idempotency },
      { lines: [{ sku: p.sku, quantity: 1 + (i % 3), warehouseId: w.id }] },
    );
    if (i % 2 === 0) await releaseReservation({ db, actor: service }, { id: r.id });
  };
  for (let i = 0; i < 10; i++) await reserveAndRelease(i);
  const warm = await statements();
  for (let i = 10; i < 100; i++) await reserveAndRelease(i);
  const after = await statements();

  // The same statements, not one more per reservation; each ran again and again.
  expect(after.map((s) => s.name).sort()).toEqual(warm.map((s) => s.name).sort());
  const text = after.map((s) => s.statement).join('\n');
  for (const part of ['insert into reservations', 'update stock_levels', 'insert into idempotency_records'])
    expect(text).toContain(part);
  expect(Math.max(...after.map((s) => Number(s.runs)))).toBeGreaterThanOrEqual(90);
  // A write transaction runs them on their generic plan (planned once), never a custom one.
  const writes = (
    await sql<{ generic: number; custom: number }>`
      select generic_plans as generic, custom_plans as custom from pg_prepared_statements
      where name like 'sr\\_%' and statement like '%insert into reservations%'`.execute(db)
  ).rows;
  expect(writes.length).toBeGreaterThanOrEqual(1);
  for (const w of writes) expect(w).toEqual({ generic: expect.any(Number), custom: 0 });
  expect(writes.reduce((sum, w) => sum + Number(w.generic), 0)).toBeGreaterThanOrEqual(90);
  // Every unit reserved is accounted for: 50 held (odd i), 50 released.
  const held = Array.from({ length: 100 }, (_, i) => i)
    .filter((i) => i % 2 === 1)
    .reduce((sum, i) => sum + 1 + (i % 3), 0);
  const levels = await Promise.all(products.map((p) => levelOf(db, w.id, p.id)));
  expect(levels.reduce((sum, l) => sum + l.reserved, 0)).toBe(held);
  expect(levels.every((l) => l.onHand === 500)).toBe(true);
});

it('prepares the checkout and payment statements once, whatever the number of lines, and the orders add up', async () => {
  const { db } = database;
  const w = await makeWarehouse(db);
  const products = [await makeProduct(db), await makeProduct(db), await makeProduct(db)];
  for (const p of products) await stock(db, w.id, p.sku, 500);
  const named = async () =>
    (
      await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements where name like 'sr\\_%'`.execute(db)
    ).rows;
  const checkoutAndPay = async (i: number) => {
    const scope = (procedure: string) => ({ principal: 'service:prep', procedure, key: `co-${i}` });
    const order = await startCheckout(
      { db, actor: service, idempotency: scope('checkout.start') },
      {
        // 1, 2 or 3 lines: the item insert must not be a new statement per count.
        lines: products.slice(0, 1 + (i % 3)).map((p) => ({ sku: p.sku, quantity: 1 })),
        shipTo: { latitude: 40.7, longitude: -74 },
      },
    );
    return paymentSucceeded(
      { db, actor: service, idempotency: scope('checkout.paymentSucceeded') },
      { orderId: order.id, paymentReference: `pay-${i}` },
    );
  };
  for (let i = 0; i < 6; i++) await checkoutAndPay(i);
  const warm = await named();
  const paid = [];
  for (let i = 6; i < 30; i++) paid.push(await checkoutAndPay(i));
  const after = await named();

  expect(after.map((s) => s.name).sort()).toEqual(warm.map((s) => s.name).sort());
  const text = after.map((s) => s.statement).join('\n');
  for (const part of [
    'insert into order_items',
    'insert into "orders"',
    'update "orders"',
    'from order_items i',
  ])
    expect(text).toContain(part);
  expect(paid.every((o) => o.status === 'paid')).toBe(true);
  // 30 orders: every line one unit, 10 orders of each size; sold units left stock.
  const levels = await Promise.all(products.map((p) => levelOf(db, w.id, p.id)));
  expect(levels.map((l) => 500 - l.onHand)).toEqual([30, 20, 10]);
  expect(levels.every((l) => l.reserved === 0)).toBe(true);

  // A migration adds a column while this connection holds the prepared statements
  // (a rolling upgrade: old processes keep serving): they must still run.
  await sql`alter table orders add column added_later text`.execute(db);
  try {
    const late = await checkoutAndPay(30);
    expect(late.status).toBe('paid');
  } finally {
    await sql`alter table orders drop column added_later`.execute(db);
  }
});

it('a plain (write) transaction asks for generic plans with its begin; reads and snapshot transactions keep the default', async () => {
  const { db } = database;
  const mode = async (q: typeof db) =>
    (await sql<{ mode: string }>`select current_setting('plan_cache_mode') as mode`.execute(q)).rows[0]?.mode;
  expect(await mode(db)).toBe('auto');
  expect(await db.transaction().execute((trx) => mode(trx))).toBe('force_generic_plan');
  // set local ends with the transaction: the connection is back to the default.
  expect(await mode(db)).toBe('auto');
  expect(
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => mode(trx)),
  ).toBe('auto');
});
