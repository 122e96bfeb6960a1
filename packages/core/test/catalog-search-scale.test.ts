/**
 * Search at catalogue scale: 100,000 products. Checks that keyword search and
 * filters are answered from the indexes (never a sequential scan of products),
 * that a keyword reads a bounded number of products however many match (the
 * ranking cap), and that results stay right. Timings are printed; a failing
 * plan check prints the plan.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SearchProductsInput, searchProducts, ZSearchProductsInput } from '../src/catalog/index.js';
import { RANKED_MATCHES, searchQuery } from '../src/catalog/search.js';

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
  await sql`analyze search_words`.execute(t.db);
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

/** Rows that scans of products returned, by scan. */
function productRowsRead(text: string): number[] {
  return [
    ...text.matchAll(/Scan (?:using \w+ )?on products \w+ \(actual time=[\d.]+\.\.[\d.]+ rows=([\d.]+)/g),
  ].map((match) => Number(match[1]));
}

/** Every result of a search, page after page. */
async function walk(input: SearchProductsInput) {
  const seen: { sku: string; name: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchProducts(t.db, { ...input, cursor });
    seen.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}

describe(`search over ${PRODUCTS.toLocaleString('en')} products`, () => {
  it.each([
    ['a misspelled word', { query: 'hedphones' }, 'products_search_idx'],
    ['a partial word', { query: 'headph' }, 'products_search_idx'],
    ['an exact word', { query: 'kettle' }, 'products_search_idx'],
    ['two words, one misspelled', { query: 'wireless hedphones' }, 'products_search_idx'],
    ['a SKU prefix', { query: 'GEN-0001' }, 'products_sku_prefix_idx'],
    ['a category', { category: 'Cat-7' }, 'products_category_idx'],
    ['a keyword in a category', { query: 'kettle', category: 'Cat-7' }, 'products_search_idx'],
    ['a keyword at a warehouse', { query: 'kettle', warehouseId: '' }, 'products_search_idx'],
  ] as const)(
    'answers %s from the indexes, reading a bounded number of products',
    async (label, given, index) => {
      const input = 'warehouseId' in given ? { ...given, warehouseId } : given;
      const first = await searchProducts(t.db, input);
      expect(first.items.length).toBeGreaterThan(0);
      const next = await plan({ ...input, cursor: first.nextCursor ?? undefined });
      console.log(`search, ${label}: ${next.ms.toFixed(1)} ms (page 2, explain analyze)`);
      expect(next.text, next.text).toContain(index);
      expect(next.text, next.text).not.toMatch(/Seq Scan on products/);
      const read = productRowsRead(next.text);
      expect(read.length, next.text).toBeGreaterThan(0);
      for (const rows of read) expect(rows, next.text).toBeLessThanOrEqual(RANKED_MATCHES);
    },
  );

  it('answers a selective keyword and an exact SKU without scanning the table', async () => {
    const page = await searchProducts(t.db, { query: 'zeppelin' });
    expect(page.items).toHaveLength(10);
    const rare = await plan({ query: 'zeppelin' });
    console.log(`search, a rare word: ${rare.ms.toFixed(1)} ms (explain analyze)`);
    expect(rare.text, rare.text).toContain('products_search_idx');
    expect(rare.text, rare.text).not.toMatch(/Seq Scan on products/);
    const exactSku = await plan({ query: 'GEN-012060' });
    expect(exactSku.text, exactSku.text).toContain('products_sku_prefix_idx');
    expect(exactSku.text, exactSku.text).not.toMatch(/Seq Scan on products/);
    expect((await searchProducts(t.db, { query: 'gen-012060' })).items[0]?.sku).toBe('GEN-012060');
  });

  it('ranks the real word first for a typo or a partial word', async () => {
    const misspelled = await searchProducts(t.db, { query: 'hedphones', limit: 5 });
    expect(misspelled.items).toHaveLength(5);
    for (const item of misspelled.items) expect(item.name).toMatch(/Headphones/);
    const partial = await searchProducts(t.db, { query: 'headph', limit: 5 });
    expect(partial.items).toHaveLength(5);
    for (const item of partial.items) expect(item.name).toMatch(/Headphones/);
    const twoWords = await searchProducts(t.db, { query: 'wireless hedphones', limit: 5 });
    expect(twoWords.items).toHaveLength(5);
    for (const item of twoWords.items) expect(item.name).toMatch(/^Wireless \w+ Headphones/);
  });

  it('pages a large result exactly once, and a broad word up to the cap', async () => {
    const prefix = await walk({ query: 'GEN-0001', limit: 30 });
    expect(prefix).toHaveLength(100);
    expect(new Set(prefix.map((item) => item.sku)).size).toBe(100);
    expect(prefix.every((item) => item.sku.startsWith('GEN-0001'))).toBe(true);

    // "kettle" matches 5,000 products: RANKED_MATCHES of them are ranked and paged.
    const broad = await walk({ query: 'kettle', limit: 45 });
    expect(broad).toHaveLength(RANKED_MATCHES);
    expect(new Set(broad.map((item) => item.sku)).size).toBe(RANKED_MATCHES);
    expect(broad.every((item) => item.name.includes('Kettle'))).toBe(true);
    // All rank alike here, so they come by name.
    const names = broad.map((item) => item.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
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

  it('is one statement that pgbench can replay (the benchmark baseline inlines it)', () => {
    for (const input of [
      { query: 'hedphones' },
      {
        query: 'wireless headphones',
        category: 'Cat-1',
        warehouseId,
        cursor: 'WzEuNSwiYSIsIjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMCJd',
      },
      { category: 'Cat-1', warehouseId },
    ]) {
      const { sql: text } = searchQuery(t.db, ZSearchProductsInput.parse(input)).compile();
      expect(text).not.toMatch(/;|--|(^|[^:]):[A-Za-z_]/);
    }
  });

  it('learns the words of new and renamed products for typo tolerance', async () => {
    const created = await t.db
      .insertInto('products')
      .values({ sku: 'NEW-1', name: 'Zanzibar Teapot', category: 'Cat-1', priceMinor: 100, currency: 'USD' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await searchProducts(t.db, { query: 'zanzibr' })).items.map((item) => item.sku)).toEqual([
      'NEW-1',
    ]);
    await t.db.updateTable('products').set({ name: 'Quetzal Teapot' }).where('id', '=', created.id).execute();
    expect((await searchProducts(t.db, { query: 'quetzl teapot' })).items.map((item) => item.sku)).toEqual([
      'NEW-1',
    ]);
  });
});
