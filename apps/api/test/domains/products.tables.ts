/**
 * The tables of the catalog (products.*): who may call each procedure, and the
 * malformed input each one refuses. Run through createCaller by
 * products.test.ts; the REST routes and raw bodies are sent over HTTP by
 * http.test.ts.
 */
import { MAIN, type RolesFixture, unique } from './kit/fixture.js';
import {
  forgedCursorRefusals,
  LONE_SURROGATE,
  type MutationSpec,
  NF,
  NUL,
  type QueryRefusal,
  refusals,
  UUID_A,
  V,
} from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** A fresh product owned by the seller (made by the seller) or by no one (made by the admin). */
async function freshProduct(fx: RolesFixture, by: 'admin' | 'seller'): Promise<string> {
  const sku = unique(by === 'admin' ? 'ADM' : 'SEL').toUpperCase();
  await fx.callers[by].products.create({
    sku,
    name: `Roles test ${sku}`,
    category: 'Test',
    priceMinor: 100,
    currency: 'USD',
  });
  return sku;
}

/** Who may call the catalog. */
export const ROWS: Row[] = [
  { procedure: 'products.search', allowed: 'anyone', call: (c) => c.products.search({ query: 'mug' }) },
  { procedure: 'products.get', allowed: 'anyone', call: (c) => c.products.get({ sku: MAIN }) },
  { procedure: 'products.categories', allowed: 'anyone', call: (c) => c.products.categories() },
  {
    procedure: 'products.create',
    allowed: ['admin', 'seller'],
    call: (c, who) =>
      c.products.create({
        sku: `T-${who.toUpperCase()}-001`,
        name: `Made by ${who}`,
        category: 'Test',
        priceMinor: 500,
        currency: 'USD',
      }),
  },
  {
    procedure: 'products.create',
    note: 'owned by another seller',
    allowed: ['admin'],
    call: (c, who, fx) =>
      c.products.create({
        sku: `T-OWNED-${who.toUpperCase()}-001`,
        name: `Made by ${who} for seller 2`,
        category: 'Test',
        priceMinor: 500,
        currency: 'USD',
        sellerId: fx.users.seller2,
      }),
  },
  {
    procedure: 'products.update',
    note: "the seller's own HD-MUG-001",
    allowed: ['admin', 'seller'],
    call: (c, who) => c.products.update({ sku: 'HD-MUG-001', name: `Mug (${who})` }),
  },
  {
    procedure: 'products.update',
    note: `${MAIN}, not the seller's`,
    allowed: ['admin'],
    call: (c, who) => c.products.update({ sku: MAIN, description: `edited by ${who}` }),
  },
  {
    procedure: 'products.update',
    note: 'handing a product to another seller',
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.products.update({
        sku: who === 'admin' ? await freshProduct(fx, 'admin') : 'HD-BWL-001',
        sellerId: fx.users.seller2,
      }),
  },
  {
    procedure: 'products.archive',
    note: 'own product',
    allowed: ['admin', 'seller'],
    call: async (c, who, fx) =>
      c.products.archive({
        sku: who === 'admin' || who === 'seller' ? await freshProduct(fx, who) : 'HD-SOP-001',
      }),
  },
  {
    procedure: 'products.archive',
    note: "EL-SPK-001, not the seller's",
    allowed: ['admin'],
    call: async (c, who, fx) =>
      c.products.archive({ sku: who === 'admin' ? await freshProduct(fx, 'admin') : 'EL-SPK-001' }),
  },
  {
    procedure: 'products.mine',
    note: 'sellers: their own',
    allowed: ['seller', 'admin'],
    call: (c) => c.products.mine({ limit: 5 }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'products.create',
    base: (fx) => ({
      sku: 'ZZ-NEW-001',
      name: 'New',
      description: 'A new product',
      category: 'Test',
      priceMinor: 100,
      currency: 'USD',
      sellerId: fx.sellerId,
    }),
    fields: {
      sku: 'sku',
      name: 'text',
      description: 'optionalText',
      category: 'text',
      priceMinor: 'priceMinor',
      currency: 'currency',
      sellerId: 'nullableUuid',
    },
    required: ['sku', 'name', 'category', 'priceMinor', 'currency'],
    idempotent: true,
    specials: [
      {
        label: 'a SKU that already exists',
        input: () => ({ sku: 'EL-HDP-001', name: 'Again', category: 'X', priceMinor: 1, currency: 'USD' }),
        codes: V,
      },
      {
        label: 'an unknown seller',
        input: (fx) => ({
          sku: 'ZZ-NEW-002',
          name: 'X',
          category: 'X',
          priceMinor: 1,
          currency: 'USD',
          sellerId: fx.unknownId,
        }),
        codes: V,
      },
    ],
  },
  {
    procedure: 'products.update',
    base: () => ({
      sku: 'EL-HDP-001',
      name: 'Renamed',
      description: 'New text',
      category: 'Test',
      priceMinor: 100,
      currency: 'EUR',
    }),
    fields: {
      sku: 'sku',
      name: 'text',
      description: 'optionalText',
      category: 'text',
      priceMinor: 'priceMinor',
      currency: 'currency',
      sellerId: 'nullableUuid',
    },
    required: ['sku'],
    idempotent: true,
    specials: [
      { label: 'nothing to change', input: () => ({ sku: 'EL-HDP-001' }), codes: V },
      { label: 'an unknown product', input: () => ({ sku: 'ZZ-NONE-001', name: 'X' }), codes: NF },
      {
        label: 'an unknown seller',
        input: (fx) => ({ sku: 'EL-HDP-001', sellerId: fx.unknownId }),
        codes: V,
      },
    ],
  },
  {
    procedure: 'products.archive',
    base: () => ({ sku: 'EL-HDP-001' }),
    fields: { sku: 'sku' },
    required: ['sku'],
    idempotent: true,
    specials: [{ label: 'an unknown product', input: () => ({ sku: 'ZZ-NONE-001' }), codes: NF }],
  },
];

/** Query inputs refused with VALIDATION_FAILED. */
export const QUERIES: QueryRefusal[] = [
  ...forgedCursorRefusals('products.search', (cursor) => ({ cursor })),
  ...forgedCursorRefusals('products.search with a query', (cursor) => ({ cursor, query: 'mug' })),
  ...refusals('products.search', [
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['limit 1.5', { limit: 1.5 }],
    ['a query of 201 characters', { query: 'q'.repeat(201) }],
    ['a query with an unpaired surrogate', { query: LONE_SURROGATE }],
    ['a query with NUL', { query: NUL }],
    ['a category with NUL', { category: NUL }],
    ['a bad warehouse reference', { warehouseId: 'nyc 1' }],
  ]),
  ...refusals('products.mine', [
    ['a cursor that is not base64 JSON', { cursor: '%%%' }],
    ['a cursor with a number key', { cursor: Buffer.from('[1]').toString('base64url') }],
    ['a cursor with a bad SKU', { cursor: Buffer.from('["-- drop"]').toString('base64url') }],
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['an unknown field', { sellerId: UUID_A }],
  ]),
];
