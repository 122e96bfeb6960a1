/**
 * Search at catalogue scale: 100,000 products. Checks that keyword search and
 * filters are answered from the indexes (never a sequential scan that computes
 * trigram similarity or rank for every product) and that results stay right.
 * Timings are printed; a failing plan check prints the plan.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SearchProductsInput, searchProducts, ZSearchProductsInput } from '../src/catalog/index.js';
import { searchQuery } from '../src/catalog/search.js';

const PRODUCTS = 100_000;
let t: TestDatabase;
let warehouseId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  // Names like "Wireless Oak Headphones 12060": 10 × 12 × 20 word combinations.
  await sql`
    insert into products (sku, name, description, category, price_minor, currency)
    select 'GEN-' || lpad(i::text, 6, '0'),
      (array['Wireless','Portable','Ergonomic','Stainless','Organic','Heavy-Duty','Compact','Deluxe','Smart',
             'Classic'])[1 + i % 10] || ' ' ||
      (array['Blue','Red','Green','Black','White','Silver','Oak','Steel','Copper','Matte','Glossy',
             'Vintage'])[1 + (i / 10) % 12] || ' ' ||
      (array['Headphones','Speaker','Keyboard','Mouse','Kettle','Skillet','Tent','Backpack','Lamp','Chair',
             'Desk','Bottle','Jacket','Socks','Gloves','Charger','Cable','Monitor','Camera',
             'Grinder'])[1 + (i / 120) % 20] || ' ' || i,
      'Generated product number ' || i || case when i % 10000 = 0 then ', zeppelin edition.' else '.' end,
      'Cat-' || (i % 25),
      (i * 37) % 100000, 'USD'
    from generate_series(1, ${PRODUCTS}::int) i`.execute(t.db);
  warehouseId = (
    await t.db
      .insertInto('warehouses')
      .values({ code: 'SCALE-1', name: 'Scale', latitude: 0, longitude: 0 })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  // Every third product is stocked at the warehouse.
  await sql`
    insert into stock_levels (warehouse_id, product_id, on_hand, reserved)
    select ${warehouseId}::uuid, id, 10, 2 from products where right(sku, 6)::int % 3 = 0`.execute(t.db);
  await sql`analyze products`.execute(t.db);
  await sql`analyze stock_levels`.execute(t.db);
}, 120_000);
afterAll(() => t?.destroy());

async function plan(input: SearchProductsInput): Promise<{ text: string; ms: number }> {
  const parsed = ZSearchProductsInput.parse(input);
  const compiled = searchQuery(t.db, parsed).compile();
  const started = performance.now();
  const result = await t.pool.query(`explain (analyze, costs off) ${compiled.sql}`, [...compiled.parameters]);
  const ms = performance.now() - started;
  const text = result.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
  return { text, ms };
}

describe(`search over ${PRODUCTS.toLocaleString('en')} products`, () => {
  // A Seq Scan that evaluates the trigram operator or the rank on every row is
  // what must never happen: those are the costly parts. (A Seq Scan with a cheap
  // filter, when a word matches thousands of products, is the planner's fair choice.)
  const costlyScan = /Seq Scan on products[^\n]*\n\s+Filter: [^\n]*(<%|word_similarity|ts_rank)/;

  it.each([
    ['a misspelled word', { query: 'hedphones' }, 'products_name_trgm_idx'],
    ['a partial word', { query: 'headph' }, 'products_name_trgm_idx'],
    ['an exact word', { query: 'kettle' }, 'products_name_trgm_idx'],
    ['two words, one misspelled', { query: 'wireless hedphones' }, 'products_name_trgm_idx'],
    ['a SKU prefix', { query: 'GEN-0001' }, 'products_sku_trgm_idx'],
    ['a category', { category: 'Cat-7' }, 'products_category_idx'],
    ['a keyword in a category', { query: 'kettle', category: 'Cat-7' }, 'products_name_trgm_idx'],
  ] as const)('answers %s from the indexes', async (label, input, index) => {
    const first = await searchProducts(t.db, input);
    expect(first.items.length).toBeGreaterThan(0);
    const next = await plan({ ...input, cursor: first.nextCursor ?? undefined });
    console.log(`search, ${label}: ${next.ms.toFixed(1)} ms (page 2, explain analyze)`);
    expect(next.text, next.text).toContain(index);
    expect(next.text, next.text).not.toMatch(costlyScan);
  });

  it('answers a selective keyword without scanning the table', async () => {
    const page = await searchProducts(t.db, { query: 'zeppelin' });
    expect(page.items).toHaveLength(10);
    const rare = await plan({ query: 'zeppelin' });
    console.log(`search, a rare word: ${rare.ms.toFixed(1)} ms (explain analyze)`);
    expect(rare.text, rare.text).toContain('products_search_idx');
    expect(rare.text, rare.text).not.toMatch(/Seq Scan on products/);
    const exactSku = await plan({ query: 'GEN-012060' });
    expect(exactSku.text, exactSku.text).toContain('products_sku_trgm_idx');
    expect(exactSku.text, exactSku.text).not.toMatch(/Seq Scan on products/);
    expect((await searchProducts(t.db, { query: 'gen-012060' })).items[0]?.sku).toBe('GEN-012060');
  });

  it('ranks the real word first and pages a large result exactly once', async () => {
    const misspelled = await searchProducts(t.db, { query: 'hedphones', limit: 5 });
    for (const item of misspelled.items) expect(item.name).toMatch(/Headphones/);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchProducts(t.db, { query: 'GEN-0001', limit: 30, cursor });
      seen.push(...page.items.map((item) => item.sku));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
    expect(seen.every((sku) => sku.startsWith('GEN-0001'))).toBe(true);
  });

  it('reports per-warehouse figures when filtering by warehouse', async () => {
    const page = await searchProducts(t.db, { query: 'kettle', warehouseId, limit: 50 });
    expect(page.items.length).toBe(50);
    for (const item of page.items) {
      expect(Number(item.sku.slice(4)) % 3).toBe(0);
      expect(item).toMatchObject({ onHand: 10, reserved: 2, available: 8 });
    }
    const listing = await plan({ warehouseId, query: 'kettle' });
    console.log(`search, warehouse + keyword: ${listing.ms.toFixed(1)} ms (explain analyze)`);
    const unfiltered = await plan({});
    console.log(`search, no filter (name order): ${unfiltered.ms.toFixed(1)} ms (explain analyze)`);
  });
});
