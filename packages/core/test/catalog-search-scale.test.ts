/**
 * Search at catalogue scale: 100,000 products. Checks that keyword search and
 * filters read a bounded number of rows whatever plan the planner picks (no node
 * reads, tests or ranks every product) and that results stay right. Timings are
 * printed; a failing plan check prints the plan.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SearchProductsInput, searchProducts, ZSearchProductsInput } from '../src/catalog/index.js';
import { searchQuery } from '../src/catalog/search.js';
import { fullTextTerms, queryWords } from '../src/catalog/search-terms.js';

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

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/**
 * EXPLAIN ANALYZE of the page query, and the most rows any one node read from
 * `products` (rows returned plus rows a filter or recheck threw away, over all
 * loops). Bitmap index scans are left out: they read index entries, not rows.
 */
async function plan(
  input: SearchProductsInput,
): Promise<{ text: string; ms: number; rowsRead: number; indexes: string[] }> {
  const parsed = ZSearchProductsInput.parse(input);
  const terms = parsed.query ? await fullTextTerms(t.db, queryWords(parsed.query)) : null;
  const query = searchQuery(t.db, parsed, terms);
  if (!query) return { text: '(nothing to ask)', ms: 0, rowsRead: 0, indexes: [] };
  const compiled = query.compile();
  const started = performance.now();
  const result = await t.pool.query(`explain (analyze, format json) ${compiled.sql}`, [
    ...compiled.parameters,
  ]);
  const ms = performance.now() - started;
  const root = (result.rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]?.Plan as PlanNode;
  let rowsRead = 0;
  const indexes: string[] = [];
  const visit = (node: PlanNode) => {
    if (node['Index Name']) indexes.push(node['Index Name']);
    if (node['Relation Name'] === 'products' && node['Node Type'] !== 'Bitmap Index Scan') {
      const read =
        (node['Actual Rows'] +
          (node['Rows Removed by Filter'] ?? 0) +
          (node['Rows Removed by Index Recheck'] ?? 0)) *
        node['Actual Loops'];
      rowsRead = Math.max(rowsRead, read);
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root);
  return { text: JSON.stringify(root, null, 1), ms, rowsRead, indexes };
}

describe(`search over ${PRODUCTS.toLocaleString('en')} products`, () => {
  // What must never happen is a node that reads (and ranks, or tests) every
  // product: whatever plan the planner picks, no node reads more than a bounded
  // number of rows — the candidates of each source, or the storage-order scan of
  // a broad keyword, which stops after 20,000 rows at most.
  const BOUNDED = 20_000 + 1_000;

  it.each([
    ['a misspelled word', { query: 'hedphones' }],
    ['a partial word', { query: 'headph' }],
    ['an exact word', { query: 'kettle' }],
    ['two words, one misspelled', { query: 'wireless hedphones' }],
    ['a half-typed misspelled name', { query: 'wirless headp' }],
    ['a SKU prefix', { query: 'GEN-0001' }],
    ['a category', { category: 'Cat-7' }],
    ['a keyword in a category', { query: 'kettle', category: 'Cat-7' }],
  ] as const)('answers %s reading a bounded number of rows', async (label, input) => {
    const first = await searchProducts(t.db, input);
    expect(first.items.length).toBeGreaterThan(0);
    const next = await plan({ ...input, cursor: first.nextCursor ?? undefined });
    console.log(
      `search, ${label}: ${next.ms.toFixed(1)} ms, ${next.rowsRead} rows read (page 2, explain analyze)`,
    );
    expect(next.rowsRead, next.text).toBeLessThanOrEqual(BOUNDED);
  });

  it('answers a selective keyword or an exact SKU from the indexes, reading only what it returns', async () => {
    const page = await searchProducts(t.db, { query: 'zeppelin' });
    expect(page.items).toHaveLength(10);
    const rare = await plan({ query: 'zeppelin' });
    console.log(`search, a rare word: ${rare.ms.toFixed(1)} ms (explain analyze)`);
    expect(rare.text).toContain('search_candidates'); // the GIN index, nothing else (see the migration)
    expect(rare.rowsRead, rare.text).toBeLessThanOrEqual(100);
    const exactSku = await plan({ query: 'GEN-012060' });
    expect(exactSku.indexes, exactSku.text).toContain('products_sku_prefix_idx');
    expect(exactSku.rowsRead, exactSku.text).toBeLessThanOrEqual(100);
    expect((await searchProducts(t.db, { query: 'gen-012060' })).items[0]?.sku).toBe('GEN-012060');
  });

  it('ranks the real word first and pages a large result exactly once', async () => {
    const misspelled = await searchProducts(t.db, { query: 'hedphones', limit: 5 });
    for (const item of misspelled.items) expect(item.name).toMatch(/Headphones/);
    const halfTyped = await searchProducts(t.db, { query: 'wirless headp', limit: 5 });
    for (const item of halfTyped.items) expect(item.name).toMatch(/^Wireless .* Headphones/);

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
    expect(listing.rowsRead, listing.text).toBeLessThanOrEqual(BOUNDED);
    const unfiltered = await plan({});
    console.log(`search, no filter (name order): ${unfiltered.ms.toFixed(1)} ms (explain analyze)`);
    expect(unfiltered.rowsRead, unfiltered.text).toBeLessThanOrEqual(100);
  });
});
