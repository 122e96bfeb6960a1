/**
 * The tables of stock levels and the ledger (inventory.*): who may call each
 * procedure, and the malformed input each one refuses. Run through
 * createCaller by inventory.test.ts; the REST routes and raw bodies are sent
 * over HTTP by http.test.ts.
 */
import { GUARD, level, MAIN, type RolesFixture } from './kit/fixture.js';
import { forgedCursorRefusals, type MutationSpec, NF, type QueryRefusal, syncItem } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** Stock procedures a service token may call with `stock:read` / `stock:write` (the demo token has every scope). */
const stockPrincipals = ['staff', 'admin', 'service'] as const;

/** Stock counts for an allowed write: one more than now, so the call really changes something. */
async function plusOne(fx: RolesFixture, warehouseId: string, sku: string) {
  const current = await level(fx, warehouseId, sku);
  return { onHand: current.onHand + 1, expectedVersion: current.version };
}

/** Who may call stock levels and the ledger. */
export const ROWS: Row[] = [
  {
    procedure: 'inventory.setLocation',
    note: "NYC-1, staff's",
    staffScoped: true,
    allowed: stockPrincipals,
    call: (c, who, fx) =>
      c.inventory.setLocation({ warehouseId: fx.wh.nyc, sku: MAIN, location: `A-${who}` }),
  },
  {
    procedure: 'inventory.setLocation',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: (c, _who, fx) => c.inventory.setLocation({ warehouseId: fx.wh.dfw, sku: MAIN, location: null }),
  },
  {
    procedure: 'inventory.syncPreview',
    note: 'reads only; rows at other warehouses are reported, not refused',
    allowed: stockPrincipals,
    call: (c, _who, fx) =>
      c.inventory.syncPreview({ rows: [{ warehouse: fx.wh.nyc, sku: MAIN, onHand: 1 }] }),
  },
  {
    procedure: 'dashboard.summary',
    allowed: stockPrincipals,
    call: (c) => c.dashboard.summary(),
  },
  {
    procedure: 'dashboard.summary',
    note: "NYC-1, staff's",
    staffScoped: true,
    allowed: stockPrincipals,
    call: (c, _who, fx) => c.dashboard.summary({ warehouseId: fx.wh.nyc }),
  },
  {
    procedure: 'inventory.get',
    allowed: stockPrincipals,
    call: (c, _who, fx) => c.inventory.get({ warehouseId: fx.wh.nyc, sku: MAIN }),
  },
  {
    procedure: 'inventory.get',
    note: "DFW-1, not staff's (reading is not scoped)",
    allowed: stockPrincipals,
    call: (c, _who, fx) => c.inventory.get({ warehouseId: fx.wh.dfw, sku: GUARD }),
  },
  {
    procedure: 'inventory.list',
    allowed: stockPrincipals,
    call: (c, _who, fx) => c.inventory.list({ warehouseId: fx.wh.nyc, limit: 5 }),
  },
  {
    procedure: 'inventory.movements',
    allowed: stockPrincipals,
    call: (c) => c.inventory.movements({ limit: 5 }),
  },
  {
    procedure: 'inventory.receive',
    note: "NYC-1, staff's",
    staffScoped: true,
    allowed: stockPrincipals,
    call: (c, _who, fx) => c.inventory.receive({ warehouseId: fx.wh.nyc, sku: MAIN, quantity: 1 }),
  },
  {
    procedure: 'inventory.receive',
    note: "CHI-1, staff's second",
    staffScoped: true,
    allowed: stockPrincipals,
    call: (c, _who, fx) => c.inventory.receive({ warehouseId: fx.wh.chi, sku: MAIN, quantity: 1 }),
  },
  {
    procedure: 'inventory.receive',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: (c, who, fx) =>
      c.inventory.receive({
        warehouseId: fx.wh.dfw,
        sku: who === 'admin' || who === 'service' ? MAIN : GUARD,
        quantity: 1,
      }),
  },
  {
    procedure: 'inventory.adjust',
    note: "NYC-1, staff's",
    staffScoped: true,
    allowed: stockPrincipals,
    call: async (c, _who, fx) => {
      const { expectedVersion } = await plusOne(fx, fx.wh.nyc, MAIN);
      return c.inventory.adjust({
        warehouseId: fx.wh.nyc,
        sku: MAIN,
        delta: 1,
        expectedVersion,
        reason: 'found',
      });
    },
  },
  {
    procedure: 'inventory.adjust',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: async (c, who, fx) => {
      const sku = who === 'admin' || who === 'service' ? MAIN : GUARD;
      const { expectedVersion } = await plusOne(fx, fx.wh.dfw, sku);
      return c.inventory.adjust({
        warehouseId: fx.wh.dfw,
        sku,
        delta: 1,
        expectedVersion,
        reason: 'found',
      });
    },
  },
  {
    procedure: 'inventory.set',
    note: "NYC-1, staff's",
    staffScoped: true,
    allowed: stockPrincipals,
    call: async (c, _who, fx) => {
      const { onHand } = await plusOne(fx, fx.wh.nyc, MAIN);
      return c.inventory.set({ warehouseId: fx.wh.nyc, sku: MAIN, onHand, reason: 'count' });
    },
  },
  {
    procedure: 'inventory.set',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: async (c, who, fx) => {
      const sku = who === 'admin' || who === 'service' ? MAIN : GUARD;
      const { onHand } = await plusOne(fx, fx.wh.dfw, sku);
      return c.inventory.set({ warehouseId: fx.wh.dfw, sku, onHand, reason: 'count' });
    },
  },
  {
    procedure: 'inventory.sync',
    note: "NYC-1, staff's",
    staffScoped: true,
    allowed: ['staff', 'admin', 'service'],
    call: async (c, _who, fx) => {
      const { onHand } = await plusOne(fx, fx.wh.nyc, MAIN);
      return c.inventory.sync({ items: [{ warehouseId: fx.wh.nyc, sku: MAIN, onHand }] });
    },
  },
  {
    procedure: 'inventory.sync',
    note: "DFW-1, not staff's",
    allowed: ['admin', 'service'],
    call: async (c, who, fx) => {
      const sku = who === 'admin' || who === 'service' ? MAIN : GUARD;
      const { onHand } = await plusOne(fx, fx.wh.dfw, sku);
      return c.inventory.sync({ items: [{ warehouseId: fx.wh.dfw, sku, onHand }] });
    },
  },
  {
    procedure: 'inventory.sync',
    note: 'NYC-1 and DFW-1 in one list: refused whole',
    allowed: ['admin', 'service'],
    call: async (c, who, fx) => {
      // Refused callers name GUARD at NYC-1 too, where staff alone would be allowed: it must stay untouched.
      const sku = who === 'admin' || who === 'service' ? MAIN : GUARD;
      const nyc = await plusOne(fx, fx.wh.nyc, sku);
      const dfw = await plusOne(fx, fx.wh.dfw, sku);
      return c.inventory.sync({
        items: [
          { warehouseId: fx.wh.nyc, sku, onHand: nyc.onHand },
          { warehouseId: fx.wh.dfw, sku, onHand: dfw.onHand },
        ],
      });
    },
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'inventory.setLocation',
    base: (fx) => ({ warehouseId: fx.nyc, sku: MAIN, location: 'B-07' }),
    fields: { warehouseId: 'uuid', sku: 'sku', location: 'location' },
    required: ['warehouseId', 'sku', 'location'],
    idempotent: true,
    rest: { method: 'PUT', path: '/stock/{warehouseId}/{sku}/location' },
    specials: [
      {
        label: 'an unknown product',
        input: (fx) => ({ warehouseId: fx.nyc, sku: 'ZZ-NONE-001', location: 'A-1' }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'inventory.receive',
    base: (fx) => ({ warehouseId: fx.nyc, sku: 'EL-HDP-001', quantity: 5, reason: 'delivery' }),
    fields: { warehouseId: 'uuid', sku: 'sku', quantity: 'quantity', reason: 'optionalText' },
    required: ['warehouseId', 'sku', 'quantity'],
    idempotent: true,
    rest: { method: 'POST', path: '/stock/{warehouseId}/{sku}/receive' },
    specials: [
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ warehouseId: fx.unknownId, sku: 'EL-HDP-001', quantity: 1 }),
        codes: NF,
      },
      {
        label: 'an unknown product',
        input: (fx) => ({ warehouseId: fx.nyc, sku: 'ZZ-NONE-001', quantity: 1 }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'inventory.adjust',
    base: (fx) => ({
      warehouseId: fx.nyc,
      sku: 'EL-HDP-001',
      delta: -1,
      expectedVersion: 1,
      reason: 'damaged',
    }),
    fields: { warehouseId: 'uuid', sku: 'sku', delta: 'delta', expectedVersion: 'version', reason: 'reason' },
    required: ['warehouseId', 'sku', 'delta', 'expectedVersion', 'reason'],
    idempotent: true,
    rest: { method: 'POST', path: '/stock/{warehouseId}/{sku}/adjust' },
    specials: [
      {
        label: 'an unknown product',
        input: (fx) => ({
          warehouseId: fx.nyc,
          sku: 'ZZ-NONE-001',
          delta: 1,
          expectedVersion: 1,
          reason: 'x',
        }),
        codes: NF,
      },
      {
        label: 'a stale version',
        input: (fx) => ({
          warehouseId: fx.nyc,
          sku: 'EL-HDP-001',
          delta: 1,
          expectedVersion: 999_999,
          reason: 'x',
        }),
        codes: ['VERSION_MISMATCH'],
      },
      {
        label: 'a delta below zero stock',
        input: (fx) => ({
          warehouseId: fx.nyc,
          sku: 'EL-HDP-001',
          delta: -1_000_000,
          expectedVersion: fx.version,
          reason: 'x',
        }),
        codes: ['INSUFFICIENT_STOCK'],
      },
    ],
  },
  {
    procedure: 'inventory.set',
    base: (fx) => ({
      warehouseId: fx.nyc,
      sku: 'EL-HDP-001',
      onHand: 5,
      expectedVersion: 1,
      reason: 'count',
    }),
    fields: {
      warehouseId: 'uuid',
      sku: 'sku',
      onHand: 'onHand',
      expectedVersion: 'optionalVersion',
      reason: 'optionalText',
    },
    required: ['warehouseId', 'sku', 'onHand'],
    idempotent: true,
    rest: { method: 'PUT', path: '/stock/{warehouseId}/{sku}' },
    specials: [
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ warehouseId: fx.unknownId, sku: 'EL-HDP-001', onHand: 1, expectedVersion: 1 }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'inventory.sync',
    base: (fx) => ({ items: [syncItem(fx)] }),
    fields: {},
    required: ['items'],
    idempotent: true,
    rest: { method: 'POST', path: '/stock/sync' },
    array: {
      field: 'items',
      max: 1000,
      item: syncItem,
      itemFields: { warehouseId: 'uuid', sku: 'sku', onHand: 'onHand', countedAt: 'countedAt' },
      itemRequired: ['warehouseId', 'sku', 'onHand'],
      refusesDuplicates: true,
    },
    specials: [
      {
        label: 'an unknown product among known ones',
        input: (fx) => ({ items: [syncItem(fx), { ...syncItem(fx), sku: 'ZZ-NONE-001' }] }),
        codes: NF,
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ items: [{ ...syncItem(fx), warehouseId: fx.unknownId }] }),
        codes: NF,
      },
    ],
  },
];

/** Query inputs refused with VALIDATION_FAILED. */
export const QUERIES: QueryRefusal[] = [
  ...forgedCursorRefusals('inventory.movements', (cursor) => ({ cursor })),
  ...forgedCursorRefusals('inventory.list sorted by sku', (cursor) => ({ cursor, sort: 'sku' })),
  ...forgedCursorRefusals('inventory.list sorted by available', (cursor) => ({ cursor, sort: 'available' })),
  ...forgedCursorRefusals('inventory.list sorted by updatedAt', (cursor) => ({ cursor, sort: 'updatedAt' })),
];
