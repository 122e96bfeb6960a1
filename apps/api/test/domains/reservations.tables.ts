/**
 * The tables of holds (reservations.*): who may call each procedure, and the
 * malformed input each one refuses. Run through createCaller by
 * reservations.test.ts; the REST routes and raw bodies are sent over HTTP by
 * http.test.ts.
 */
import { freshReservation, MAIN } from './kit/fixture.js';
import {
  forgedCursorRefusals,
  type MutationSpec,
  NF,
  NUL,
  type QueryRefusal,
  refusals,
  reserveLine,
  V,
} from './kit/inputs.js';
import { isAllowed, type Row } from './kit/roles.js';

/** Who may call holds. */
export const ROWS: Row[] = [
  {
    procedure: 'reservations.create',
    allowed: ['service', 'buyer', 'admin'],
    call: (c, _who, fx) =>
      c.reservations.create({ lines: [{ sku: MAIN, quantity: 1, warehouseId: fx.wh.nyc }] }),
  },
  {
    procedure: 'reservations.get',
    note: "the buyer's own",
    allowed: ['buyer', 'staff', 'admin', 'service'],
    call: (c, _who, fx) => c.reservations.get({ id: fx.guardReservation.id }),
  },
  {
    // Buyers never confirm, not even their own hold (issue 10): stock leaves only through payment.
    procedure: 'reservations.confirm',
    note: "the buyer's own",
    allowed: ['service', 'admin'],
    call: async (c, who, fx) =>
      c.reservations.confirm({
        id: isAllowed(['service', 'admin'], who) ? await freshReservation(fx) : fx.guardReservation.id,
      }),
  },
  {
    procedure: 'reservations.list',
    note: 'staff: holds at their warehouses',
    allowed: ['staff', 'admin', 'service'],
    call: (c) => c.reservations.list({ limit: 5 }),
  },
  {
    procedure: 'reservations.release',
    note: "the buyer's own; staff at their warehouse, with a reason",
    staffScoped: true,
    allowed: ['buyer', 'staff', 'service', 'admin'],
    call: async (c, who, fx) =>
      c.reservations.release({
        id: isAllowed(['buyer', 'staff', 'service', 'admin'], who)
          ? await freshReservation(fx)
          : fx.guardReservation.id,
        ...(who === 'staff' || who === 'elsewhere' ? { reason: 'roles test: stuck hold' } : {}),
      }),
  },
  {
    // API.md lists "its owner, service"; SPEC §5 lets an admin do everything.
    procedure: 'reservations.extend',
    note: "the buyer's own",
    allowed: ['buyer', 'service', 'admin'],
    call: async (c, who, fx) =>
      c.reservations.extend({
        id: isAllowed(['buyer', 'service', 'admin'], who)
          ? await freshReservation(fx)
          : fx.guardReservation.id,
        ttlSeconds: 600,
      }),
  },
];

/** Malformed input for each mutation (cases made by kit/inputs.ts `casesFor`). */
export const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'reservations.create',
    base: (fx) => ({
      lines: [reserveLine(fx)],
      ttlSeconds: 60,
      shipTo: { latitude: 40.7, longitude: -74 },
      strategy: 'nearest',
      reference: 'cart-1',
    }),
    fields: { ttlSeconds: 'ttlSeconds', shipTo: 'shipTo', strategy: 'strategy', reference: 'reference' },
    required: ['lines'],
    idempotent: true,
    rest: { method: 'POST', path: '/reservations' },
    array: {
      field: 'lines',
      max: 100,
      item: reserveLine,
      itemFields: { sku: 'sku', quantity: 'quantity', warehouseId: 'uuid' },
      itemRequired: ['sku', 'quantity'],
    },
    specials: [
      {
        label: 'an unknown product',
        input: () => ({ lines: [{ sku: 'ZZ-NONE-001', quantity: 1 }] }),
        codes: NF,
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ lines: [{ sku: 'EL-HDP-001', quantity: 1, warehouseId: fx.unknownId }] }),
        codes: NF,
      },
      {
        label: 'more than exists',
        input: (fx) => ({ lines: [{ ...reserveLine(fx), quantity: 1_000_000 }] }),
        codes: ['INSUFFICIENT_STOCK'],
      },
      {
        label: '100 lines of the same product adding up to more than exists',
        input: (fx) => ({
          lines: Array.from({ length: 100 }, () => ({ ...reserveLine(fx), quantity: 999_999 })),
        }),
        codes: ['INSUFFICIENT_STOCK'],
      },
    ],
  },
  {
    procedure: 'reservations.confirm',
    base: (fx) => ({ id: fx.reservationId }),
    fields: { id: 'uuid' },
    required: ['id'],
    idempotent: true,
    rest: { method: 'POST', path: '/reservations/{id}/confirm', bodyless: true },
    specials: [{ label: 'an unknown reservation', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
  },
  {
    procedure: 'reservations.release',
    base: (fx) => ({ id: fx.reservationId, reason: 'bad-input: stuck hold' }),
    fields: { id: 'uuid', reason: 'reason' },
    required: ['id'],
    idempotent: true,
    // The body holds only the optional reason: a body that is not an object is ignored.
    rest: { method: 'POST', path: '/reservations/{id}/release', bodyless: true },
    specials: [
      { label: 'an unknown reservation', input: (fx) => ({ id: fx.unknownId }), codes: NF },
      {
        label: 'an unknown reservation with a reason',
        input: (fx) => ({ id: fx.unknownId, reason: 'x' }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'reservations.extend',
    base: (fx) => ({ id: fx.reservationId, ttlSeconds: 60 }),
    fields: { id: 'uuid', ttlSeconds: 'ttlSeconds' },
    required: ['id', 'ttlSeconds'],
    idempotent: true,
    specials: [
      {
        label: 'an unknown reservation',
        input: (fx) => ({ id: fx.unknownId, ttlSeconds: 60 }),
        codes: NF,
      },
      {
        label: 'a hold past its bound',
        input: (fx) => ({ id: fx.reservationId, ttlSeconds: 86_400 }),
        codes: V,
      },
    ],
  },
];

/** Query inputs refused with VALIDATION_FAILED. */
export const QUERIES: QueryRefusal[] = [
  ...forgedCursorRefusals('reservations.list', (cursor) => ({ cursor })),
  ...forgedCursorRefusals('reservations.list with a status', (cursor) => ({ cursor, status: 'pending' })),
  ...refusals('reservations.list', [
    ['an unknown status', { status: 'stuck' }],
    ['a bad warehouse id', { warehouseId: 'not-a-uuid' }],
    ['a bad sku', { sku: 'EL HDP 001' }],
    ['an empty reference', { reference: '' }],
    ['a reference of 201 characters', { reference: 'r'.repeat(201) }],
    ['a reference with NUL', { reference: NUL }],
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['an unknown field', { owner: 'me' }],
  ]),
];
