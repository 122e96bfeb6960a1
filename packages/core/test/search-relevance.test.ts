/**
 * Search relevance: a fixed catalogue and a table of queries — typos, half-typed
 * words, SKUs, several words, filters, and queries that must find nothing — each
 * with the product that must come first (docs/search.md).
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchProductsInput } from '../src/catalog/index.js';
import { searchProducts } from './core.js';

let t: TestDatabase;

const CATALOGUE: [sku: string, name: string, category: string, description?: string][] = [
  ['HP-100', 'Wireless Noise-Cancelling Headphones', 'Audio', 'Over-ear, 30 hours'],
  ['HP-200', 'Headphone Stand', 'Accessories', 'Walnut base'],
  ['SP-100', 'Portable Bluetooth Speaker', 'Audio', 'Pairs with headphones too'],
  ['KT-100', 'Electric Kettle', 'Kitchen', 'Boils water fast'],
  ['KT-200', 'Cast Iron Skillet', 'Kitchen', 'Seasoned, not a kettle'],
  ['LN-100', 'Nukaenge Lantern', 'Outdoors'],
  ['LN-200', 'Rechargeable Camping Lantern', 'Outdoors'],
  ['TN-100', 'Two-Person Dome Tent', 'Outdoors'],
  ['BP-100', 'Hiking Backpack 40L', 'Outdoors'],
  ['KB-100', 'Mechanical Keyboard, Brown Switches', 'Electronics'],
  ['MS-100', 'Ergonomic Wireless Mouse', 'Electronics'],
  ['CH-100', 'Ergonomic Office Chair', 'Office'],
  ['DL-100', 'Oak Desk Lamp', 'Home'],
  ['FL-100', 'Brass Floor Lamp', 'Home'],
  ['JK-100', 'Leather Jacket', 'Apparel'],
  ['JK-200', 'Waterproof Rain Jacket', 'Apparel'],
  ['SK-100', 'Merino Wool Socks', 'Apparel'],
  ['MG-100', 'Ceramic Coffee Mug', 'Kitchen'],
  ['BW-100', 'Walnut Salad Bowl', 'Kitchen'],
  ['CB-100', 'Bamboo Cutting Board', 'Kitchen'],
  ['BL-100', 'Wool Throw Blanket', 'Home'],
  ['CL-100', 'Vintage Brass Wall Clock', 'Home'],
  ['TP-100', 'Porcelain Teapot', 'Kitchen'],
  ['GR-100', 'Burr Coffee Grinder', 'Kitchen'],
  ['MN-100', '27-inch 4K Monitor', 'Electronics'],
  ['CG-100', 'USB-C Charger 65W', 'Electronics'],
  ['WC-100', 'HD Webcam', 'Electronics'],
  ['YM-100', 'Yoga Mat', 'Sports'],
  ['DB-100', 'Adjustable Dumbbells', 'Sports'],
  ['RB-100', 'Robot Building Kit', 'Toys'],
  ['PZ-100', 'Jigsaw Puzzle, 1000 Pieces', 'Toys'],
  ['TB-100', 'Teddy Bear', 'Toys'],
  ['HM-100', 'Camping Hammock', 'Outdoors'],
  ['HL-100', 'LED Headlamp', 'Outdoors'],
  ['ZX-9000', 'Zephyr Humidifier', 'Home'],
  ['AR-100', 'Vintage Typewriter', 'Office'],
];

// [query (with filters), SKU of the first hit, or null: nothing found]
const RELEVANCE: [SearchProductsInput, string | null][] = [
  // exact words and phrases
  [{ query: 'headphones' }, 'HP-100'],
  [{ query: 'wireless headphones' }, 'HP-100'],
  [{ query: 'noise cancelling' }, 'HP-100'],
  [{ query: 'headphone stand' }, 'HP-200'],
  [{ query: 'bluetooth speaker' }, 'SP-100'],
  [{ query: 'kettle' }, 'KT-100'],
  [{ query: 'cast iron' }, 'KT-200'],
  [{ query: 'camping lantern' }, 'LN-200'],
  [{ query: 'dome tent' }, 'TN-100'],
  [{ query: 'desk lamp' }, 'DL-100'],
  [{ query: 'floor lamp' }, 'FL-100'],
  [{ query: 'rain jacket' }, 'JK-200'],
  [{ query: 'waterproof' }, 'JK-200'],
  [{ query: 'merino' }, 'SK-100'],
  [{ query: 'coffee grinder' }, 'GR-100'],
  [{ query: 'walnut bowl' }, 'BW-100'],
  [{ query: 'bamboo cutting board' }, 'CB-100'],
  [{ query: 'porcelain teapot' }, 'TP-100'],
  [{ query: '4k monitor' }, 'MN-100'],
  [{ query: 'usb-c charger' }, 'CG-100'],
  [{ query: 'jigsaw puzzle' }, 'PZ-100'],
  [{ query: 'the teddy bear' }, 'TB-100'],
  // misspelled words
  [{ query: 'hedphones' }, 'HP-100'],
  [{ query: 'Wireless hedphones' }, 'HP-100'],
  [{ query: 'speeker' }, 'SP-100'],
  [{ query: 'ketle' }, 'KT-100'],
  [{ query: 'kettel' }, 'KT-100'],
  [{ query: 'hiking backpak' }, 'BP-100'],
  [{ query: 'mechanical keybord' }, 'KB-100'],
  [{ query: 'ergonmic chair' }, 'CH-100'],
  [{ query: 'wireles mouse' }, 'MS-100'],
  [{ query: 'leathr jacket' }, 'JK-100'],
  [{ query: 'rechargable lantern' }, 'LN-200'],
  [{ query: 'dumbells' }, 'DB-100'],
  [{ query: 'zephyr humidifer' }, 'ZX-9000'],
  [{ query: 'nukaenge' }, 'LN-100'],
  // half-typed last word, misspelled or not
  [{ query: 'headph' }, 'HP-200'], // both headphone products match as well: the name breaks the tie
  [{ query: 'skil' }, 'KT-200'],
  [{ query: 'keyb' }, 'KB-100'],
  [{ query: 'portable spe' }, 'SP-100'],
  [{ query: 'nukae' }, 'LN-100'],
  [{ query: 'nukaege lant' }, 'LN-100'],
  [{ query: 'nukaenge lantr' }, 'LN-100'],
  [{ query: 'vintage clo' }, 'CL-100'],
  [{ query: 'hamm' }, 'HM-100'],
  [{ query: 'headla' }, 'HL-100'],
  // SKUs, exact or a prefix, any case
  [{ query: 'HP-200' }, 'HP-200'],
  [{ query: 'hp-2' }, 'HP-200'],
  [{ query: 'zx-9' }, 'ZX-9000'],
  [{ query: 'zx-9000' }, 'ZX-9000'],
  [{ query: 'ln-1' }, 'LN-100'],
  // filters and exclusions
  [{ query: 'lamp', category: 'Home' }, 'FL-100'],
  [{ query: 'wireless', category: 'Electronics' }, 'MS-100'],
  [{ query: 'lamp -brass' }, 'DL-100'],
  // no product has every word: the best with all but one
  [{ query: 'brass desk clock' }, 'CL-100'],
  // nothing
  [{ query: 'xylophone' }, null],
  [{ query: 'typewriter' }, null], // archived
  [{ query: 'qqqqzz' }, null],
  [{ query: '%' }, null],
  [{ query: 'HP_1' }, null],
  [{ query: 'kettle', category: 'Toys' }, null],
];

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db
    .insertInto('products')
    .values(
      CATALOGUE.map(([sku, name, category, description]) => ({
        sku,
        name,
        category,
        description: description ?? '',
        priceMinor: 1000,
        currency: 'USD',
        sellerId: null,
      })),
    )
    .execute();
  await t.db.updateTable('products').set({ active: false }).where('sku', '=', 'AR-100').execute();
}, 60_000);
afterAll(() => t?.destroy());

describe('search relevance', () => {
  it('has a table of at least 40 queries', () => {
    expect(RELEVANCE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(RELEVANCE.map(([input, first]) => [JSON.stringify(input), input, first] as const))(
    '%s → first hit',
    async (_label, input, first) => {
      const page = await searchProducts(t.db, input);
      expect(page.items[0]?.sku ?? null, page.items.map((item) => item.sku).join(', ')).toBe(first);
    },
  );

  it('finds a product by a misspelled name the moment it is created, and by its new name once renamed', async () => {
    await t.db
      .insertInto('products')
      .values({ sku: 'NW-1', name: 'Qorvalen Kettle', category: 'Kitchen', priceMinor: 1, currency: 'USD' })
      .execute();
    expect((await searchProducts(t.db, { query: 'qorvlen ket' })).items[0]?.sku).toBe('NW-1');
    await t.db.updateTable('products').set({ name: 'Trivexa Kettle' }).where('sku', '=', 'NW-1').execute();
    expect((await searchProducts(t.db, { query: 'trivxa' })).items[0]?.sku).toBe('NW-1');
    expect((await searchProducts(t.db, { query: 'qorvalen' })).items).toEqual([]);
  });
});
