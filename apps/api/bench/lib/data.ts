/**
 * The benchmark's data, written with SQL (generate_series) in one go before the
 * scenarios: every stock level starts with a `receive` movement equal to its
 * on_hand, so the ledger and the audit are clean from the start.
 *
 *   BENCH-HOT                 one product, huge on_hand at one warehouse (NYC-1)
 *   BN-000001 … BN-010000     the uniform products: 1,000,000 each at NYC-1
 *   BN-000001 … BN-100000     the search catalogue; each also stocked at CHI-1,
 *                             where the sync sets (100 × 1,000 levels) count them
 */
import pg from 'pg';

const ADJECTIVES = [
  'rustic',
  'modern',
  'vintage',
  'compact',
  'ergonomic',
  'portable',
  'wireless',
  'classic',
  'minimalist',
  'heavy-duty',
  'lightweight',
  'premium',
  'foldable',
  'handcrafted',
  'insulated',
  'waterproof',
  'adjustable',
  'smart',
  'deluxe',
  'nordic',
  'industrial',
  'artisan',
  'travel',
  'slim',
  'oversized',
  'quiet',
  'rechargeable',
  'stackable',
  'organic',
  'weathered',
];
const COLORS = [
  'black',
  'white',
  'charcoal',
  'navy',
  'olive',
  'sand',
  'rust',
  'teal',
  'ivory',
  'slate',
  'crimson',
  'sage',
];
const MATERIALS = [
  'oak',
  'walnut',
  'bamboo',
  'ceramic',
  'steel',
  'copper',
  'brass',
  'linen',
  'cotton',
  'wool',
  'leather',
  'glass',
  'marble',
  'cedar',
  'maple',
  'aluminum',
  'canvas',
  'felt',
  'silicone',
  'titanium',
  'velvet',
  'cork',
  'rattan',
  'concrete',
  'porcelain',
];
const NOUNS: Record<string, string[]> = {
  Home: [
    'lamp',
    'desk lamp',
    'rug',
    'pillow',
    'blanket',
    'candle',
    'clock',
    'vase',
    'mirror',
    'curtain',
    'basket',
    'throw',
  ],
  Kitchen: [
    'skillet',
    'kettle',
    'knife',
    'mug',
    'bowl',
    'teapot',
    'grinder',
    'cutting board',
    'colander',
    'spatula',
  ],
  Office: ['desk', 'chair', 'notebook', 'stapler', 'organizer', 'shelf', 'pen set', 'binder'],
  Outdoors: ['tent', 'backpack', 'lantern', 'hammock', 'cooler', 'headlamp'],
  Apparel: ['jacket', 'hoodie', 'scarf', 'beanie', 'gloves', 'socks', 'boots', 'sweater'],
  Electronics: ['headphones', 'speaker', 'keyboard', 'mouse', 'monitor', 'charger', 'webcam', 'router'],
  Sports: ['dumbbells', 'racket', 'yoga mat', 'ball', 'helmet', 'water bottle'],
  Toys: ['puzzle', 'building blocks', 'robot', 'kite', 'teddy bear'],
};
const FEATURES = [
  'Built to last and easy to clean.',
  'Ships flat; assembles in minutes without tools.',
  'Backed by a two-year warranty.',
  'A customer favourite for everyday use.',
  'Made in small batches by independent workshops.',
  'Tested for durability in real homes and offices.',
  'Pairs well with the rest of the collection.',
  'Gift-ready packaging, plastic free.',
];

/** Queries of the search scenario: words, phrases, misspellings, SKU prefixes, a category filter. */
export const SEARCH_QUERIES: { query: string; category?: string }[] = [
  { query: 'lamp' },
  { query: 'oak desk lamp' },
  { query: 'wireless headphones' },
  { query: 'hedphones' },
  { query: 'walnut bowl' },
  { query: 'leathr jacket' },
  { query: 'ceramic mug' },
  { query: 'copper kettle' },
  { query: 'ergonmic chair' },
  { query: 'bamboo cutting board' },
  { query: 'wool blanket' },
  { query: 'navy hoodie' },
  { query: 'BN-0123' },
  { query: 'bn-04567' },
  { query: 'vintage brass clock' },
  { query: 'teal' },
  { query: 'portable speaker' },
  { query: 'tnet' },
  { query: 'marble' },
  { query: 'linen pillow' },
  { query: 'rechargable lantern' },
  { query: 'keybord' },
  { query: 'organic cotton socks' },
  { query: 'lamp', category: 'Home' },
];

export const HOT_SKU = 'BENCH-HOT';
/** The catalogue of the `search-1m` cell: the 100,000 above plus 900,000 more (BX-000001 …). */
export const MILLION_PRODUCTS = 1_000_000;
export const UNIFORM_PRODUCTS = 10_000;
export const CATALOGUE_PRODUCTS = 100_000;
export const SYNC_ITEMS = 1_000;
export const SYNC_SETS = CATALOGUE_PRODUCTS / SYNC_ITEMS;
const UNIFORM_ON_HAND = 1_000_000;

export const sku = (i: number) => `BN-${String(i).padStart(6, '0')}`;

export interface BenchData {
  hotWarehouseId: string;
  syncWarehouseId: string;
  /** Coordinates next to the hot warehouse (checkout's ship-to: nearest is NYC-1). */
  shipTo: { latitude: number; longitude: number };
  timings: Record<string, number>;
}

export async function setupData(
  url: string,
  options: { hotOnHand: number },
  log: (line: string) => void,
): Promise<BenchData> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const timings: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    timings[name] = Math.round(performance.now() - t);
    log(`  ${name}: ${(timings[name] / 1000).toFixed(1)} s`);
  };
  try {
    const warehouses = await client.query<{ id: string; code: string }>(
      `select id, code from warehouses where code in ('NYC-1', 'CHI-1')`,
    );
    const nyc = warehouses.rows.find((w) => w.code === 'NYC-1');
    const chi = warehouses.rows.find((w) => w.code === 'CHI-1');
    if (!nyc || !chi) throw new Error('the demo warehouses NYC-1 and CHI-1 are missing (demo seed not run?)');

    const existing = await client.query(`select 1 from products where sku = $1`, [HOT_SKU]);
    if (existing.rowCount) {
      throw new Error('this database already holds benchmark data: give the bench a fresh database');
    }

    const categories = Object.keys(NOUNS);
    const nouns = categories.flatMap((c) => NOUNS[c] ?? []);
    const nounCategories = categories.flatMap((c) => (NOUNS[c] ?? []).map(() => c));
    const combos = ADJECTIVES.length * COLORS.length * MATERIALS.length * nouns.length;
    if (combos < CATALOGUE_PRODUCTS || combos % 7919 === 0) throw new Error('word lists too small');

    log(`writing benchmark data (${CATALOGUE_PRODUCTS.toLocaleString('en')} products)`);
    await step('products', async () => {
      await client.query('begin');
      await client.query(
        `insert into products (sku, name, description, category, price_minor, currency)
         values ($1, 'Bench Hot Item', 'The one product everybody wants at once.', 'Bench', 1999, 'USD')`,
        [HOT_SKU],
      );
      // j walks the adjective × colour × material × noun space in a scrambled order
      // (7919 is prime to its size), so neighbouring SKUs have unrelated names.
      await client.query(
        `with w as (
           select $1::text[] as adj, $2::text[] as col, $3::text[] as mat, $4::text[] as noun,
                  $5::text[] as cat, $6::text[] as feat
         ), n as (
           select i, (i::bigint * 7919) % $7 as j from generate_series(1, $8::int) i
         ), pick as (
           select i,
                  w.adj[1 + (j % cardinality(w.adj))] as a,
                  w.col[1 + (j / cardinality(w.adj)) % cardinality(w.col)] as c,
                  w.mat[1 + (j / (cardinality(w.adj) * cardinality(w.col))) % cardinality(w.mat)] as m,
                  1 + (j / (cardinality(w.adj) * cardinality(w.col) * cardinality(w.mat))) % cardinality(w.noun) as k,
                  w.feat[1 + (j * 31) % cardinality(w.feat)] as f,
                  j
           from n, w
         )
         insert into products (sku, name, description, category, price_minor, currency)
         select 'BN-' || lpad(i::text, 6, '0'),
                initcap(a) || ' ' || initcap(c) || ' ' || initcap(m) || ' ' || initcap(w.noun[k]),
                'A ' || a || ' ' || w.noun[k] || ' in ' || c || ' ' || m || '. ' || f,
                w.cat[k],
                500 + (j * 37) % 49500,
                'USD'
         from pick, w`,
        [ADJECTIVES, COLORS, MATERIALS, nouns, nounCategories, FEATURES, combos, CATALOGUE_PRODUCTS],
      );
      await client.query('commit');
    });

    await step('stock levels + ledger', async () => {
      await client.query('begin');
      await client.query(
        `insert into stock_levels (warehouse_id, product_id, on_hand, safety_stock)
         select $1, id, $2, 0 from products where sku = $3`,
        [nyc.id, options.hotOnHand, HOT_SKU],
      );
      await client.query(
        `insert into stock_levels (warehouse_id, product_id, on_hand, safety_stock)
         select $1, id, $2, 5 from products where sku between 'BN-000001' and $3`,
        [nyc.id, UNIFORM_ON_HAND, sku(UNIFORM_PRODUCTS)],
      );
      await client.query(
        `insert into stock_levels (warehouse_id, product_id, on_hand, safety_stock)
         select $1, id, 1000 + (substr(sku, 4)::int % 50), 5 from products where sku like 'BN-%'`,
        [chi.id],
      );
      await client.query(
        `insert into stock_movements (warehouse_id, product_id, kind, on_hand_delta, reserved_delta, reason, actor)
         select s.warehouse_id, s.product_id, 'receive', s.on_hand, 0, 'benchmark opening stock', 'system:bench'
         from stock_levels s join products p on p.id = s.product_id
         where p.sku = $1 or p.sku like 'BN-%'`,
        [HOT_SKU],
      );
      await client.query('commit');
    });
    await step('vacuum analyze', async () => {
      await client.query('vacuum analyze products, stock_levels, stock_movements');
    });
    return {
      hotWarehouseId: nyc.id,
      syncWarehouseId: chi.id,
      shipTo: { latitude: 40.75, longitude: -73.99 },
      timings,
    };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Grow the catalogue to MILLION_PRODUCTS for the `search-1m` cell: 900,000 more
 * products, BX-000001 …, in one INSERT … SELECT over generate_series. Their names
 * start with a made-up brand (4,900 of them, "Kanu", "Bezo"…), so the vocabulary
 * holds thousands of words as a real catalogue's does, then the word lists above
 * (the adjective × colour × material × noun space, walked in a scrambled order).
 * No stock: search reads levels only for the page.
 */
export async function growCatalogue(url: string, log: (line: string) => void): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  try {
    const have = Number((await client.query<{ n: string }>('select count(*) as n from products')).rows[0]?.n);
    const more = Math.max(0, MILLION_PRODUCTS - CATALOGUE_PRODUCTS);
    log(`growing the catalogue from ${have.toLocaleString('en')} by ${more.toLocaleString('en')} products`);
    const categories = Object.keys(NOUNS);
    const nouns = categories.flatMap((c) => NOUNS[c] ?? []);
    const nounCategories = categories.flatMap((c) => (NOUNS[c] ?? []).map(() => c));
    const combos = ADJECTIVES.length * COLORS.length * MATERIALS.length * nouns.length;
    await client.query(
      `with w as (
         select $1::text[] as adj, $2::text[] as col, $3::text[] as mat, $4::text[] as noun, $5::text[] as cat,
                'bdfgklmnprstvz'::text as cons, 'aeiou'::text as vow
       ), n as (
         select i, (i::bigint * 7919) % $6 as j, (i::bigint * 104729) % 4900 as b from generate_series(1, $7::int) i
       ), pick as (
         select i, j,
                w.adj[1 + (j % cardinality(w.adj))] as a,
                w.col[1 + (j / cardinality(w.adj)) % cardinality(w.col)] as c,
                w.mat[1 + (j / (cardinality(w.adj) * cardinality(w.col))) % cardinality(w.mat)] as m,
                1 + (j / (cardinality(w.adj) * cardinality(w.col) * cardinality(w.mat))) % cardinality(w.noun) as k,
                substr(w.cons, 1 + (b % 14)::int, 1) || substr(w.vow, 1 + (b / 14 % 5)::int, 1)
                  || substr(w.cons, 1 + (b / 70 % 14)::int, 1) || substr(w.vow, 1 + (b / 980 % 5)::int, 1) as brand
         from n, w
       )
       insert into products (sku, name, description, category, price_minor, currency)
       select 'BX-' || lpad(i::text, 6, '0'),
              initcap(brand) || ' ' || initcap(a) || ' ' || initcap(c) || ' ' || initcap(m) || ' ' || initcap(w.noun[k]),
              'A ' || a || ' ' || w.noun[k] || ' in ' || c || ' ' || m || ' by ' || initcap(brand) || '.',
              w.cat[k], 500 + (j * 37) % 49500, 'USD'
       from pick, w`,
      [ADJECTIVES, COLORS, MATERIALS, nouns, nounCategories, combos, more],
    );
    await client.query('vacuum analyze products');
    const ms = Math.round(performance.now() - started);
    log(`  grown in ${(ms / 1000).toFixed(1)} s`);
    return ms;
  } finally {
    await client.end();
  }
}

/** pgbench's own tables, in their own database: one hot row, 10,000 uniform rows, 100,000 for the bulk baseline. */
export async function setupPgbenchTables(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      create table bench_stock (
        id integer primary key,
        on_hand integer not null,
        reserved integer not null default 0,
        version bigint not null default 1,
        updated_at timestamptz not null default now(),
        check (reserved >= 0 and reserved <= on_hand)
      )`);
    await client.query(`
      create table bench_moves (
        id bigint generated always as identity primary key,
        stock_id integer not null references bench_stock (id),
        on_hand_delta integer not null,
        reserved_delta integer not null,
        reason text,
        created_at timestamptz not null default now()
      )`);
    await client.query(`create index bench_moves_stock_idx on bench_moves (stock_id, id)`);
    await client.query(
      `insert into bench_stock (id, on_hand) select i, 1000000000 from generate_series(1, ${CATALOGUE_PRODUCTS}) i`,
    );
    await client.query('vacuum analyze bench_stock, bench_moves');
  } finally {
    await client.end();
  }
}
