/**
 * The tables of warehouses (warehouses.*): who may call each procedure, and
 * the malformed input each one refuses. Run through createCaller by
 * warehouses.test.ts; the REST routes and raw bodies are sent over HTTP by
 * http.test.ts.
 */
import { type MutationSpec, NF, V } from './kit/inputs.js';
import type { Row } from './kit/roles.js';

/** Who may call warehouses. */
export const ROWS: Row[] = [
  { procedure: 'warehouses.list', allowed: 'signed in', call: (c) => c.warehouses.list() },
  {
    procedure: 'warehouses.create',
    allowed: ['admin'],
    call: (c, who) =>
      c.warehouses.create({
        code: `T-${who.toUpperCase()}`,
        name: `Made by ${who}`,
        latitude: 10,
        longitude: 20,
      }),
  },
  {
    procedure: 'warehouses.update',
    allowed: ['admin'],
    call: (c, who, fx) => c.warehouses.update({ id: fx.wh.sea, name: `Seattle (${who})` }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'warehouses.create',
    base: () => ({
      code: 'ZZ-1',
      name: 'Test',
      address: '1 Main St',
      latitude: 10,
      longitude: 20,
      capacity: 100,
      timezone: 'UTC',
      priority: 5,
    }),
    fields: {
      code: 'warehouseCode',
      name: 'text',
      address: 'nullableText',
      latitude: 'latitude',
      longitude: 'longitude',
      capacity: 'capacity',
      timezone: 'timezone',
      priority: 'priority',
    },
    required: ['code', 'name', 'latitude', 'longitude'],
    idempotent: true,
    specials: [
      {
        label: 'a code that already exists',
        input: () => ({ code: 'NYC-1', name: 'Again', latitude: 1, longitude: 1 }),
        codes: V,
      },
    ],
  },
  {
    procedure: 'warehouses.update',
    base: (fx) => ({ id: fx.sea, name: 'Renamed', latitude: 47, longitude: -122, active: true }),
    fields: {
      id: 'uuid',
      code: 'warehouseCode',
      name: 'text',
      address: 'nullableText',
      latitude: 'latitude',
      longitude: 'longitude',
      capacity: 'capacity',
      timezone: 'timezone',
      priority: 'priority',
      active: 'boolean',
    },
    required: ['id'],
    idempotent: true,
    specials: [
      { label: 'nothing to change', input: (fx) => ({ id: fx.sea }), codes: V },
      { label: 'an unknown warehouse', input: (fx) => ({ id: fx.unknownId, name: 'Nowhere' }), codes: NF },
      { label: "another warehouse's code", input: (fx) => ({ id: fx.sea, code: 'NYC-1' }), codes: V },
    ],
  },
];
