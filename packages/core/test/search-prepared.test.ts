/**
 * Search's two statements are prepared once per connection (their text carries
 * PREPARED_MARK): PostgreSQL parses and plans them once, not on every keystroke.
 * Through a transaction pooler nothing is named (packages/db connection.ts).
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { searchProducts } from './core.js';

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
