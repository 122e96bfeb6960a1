/**
 * The tables of the waitlist (waitlist.*): who may call each procedure, and
 * the malformed input each one refuses. Run through createCaller by
 * waitlist.test.ts; the REST routes and raw bodies are sent over HTTP by
 * http.test.ts.
 */
import { type MutationSpec, NF } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** Who may call the waitlist. */
export const ROWS: Row[] = [
  {
    procedure: 'waitlist.join',
    allowed: ['buyer'],
    call: (c, _who, fx) => c.waitlist.join({ sku: 'KT-KTL-001', warehouseId: fx.wh.nyc, quantity: 1 }),
  },
  {
    procedure: 'waitlist.leave',
    note: "the buyer's own entry",
    allowed: ['buyer'],
    call: async (c, who, fx) => {
      const entry = await fx.callers.buyer.waitlist.join({ sku: 'KT-KTL-001', quantity: 1 });
      const result = await c.waitlist.leave({ id: entry.id });
      if (who !== 'buyer') throw new Error('a refused call answered');
      return result;
    },
  },
  {
    // API.md lists staff+; SPEC §5 gives buyers their own waitlist entries.
    procedure: 'waitlist.list',
    note: 'buyers see their own',
    allowed: ['staff', 'admin', 'buyer'],
    call: (c) => c.waitlist.list({ limit: 5 }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'waitlist.join',
    as: 'buyer',
    base: (fx) => ({ sku: 'EL-HDP-001', warehouseId: fx.nyc, quantity: 1 }),
    fields: { sku: 'sku', warehouseId: 'uuid', quantity: 'smallCount' },
    required: ['sku', 'quantity'],
    idempotent: true,
    specials: [
      { label: 'an unknown product', input: () => ({ sku: 'ZZ-NONE-001', quantity: 1 }), codes: NF },
    ],
  },
  {
    procedure: 'waitlist.leave',
    as: 'buyer',
    base: (fx) => ({ id: fx.unknownId }),
    fields: { id: 'uuid' },
    required: ['id'],
    idempotent: true,
    specials: [{ label: 'an unknown entry', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
  },
];
