/**
 * SPEC §2 rule 9 over real HTTP: bad input gets a clear 4xx with an appCode and
 * changes nothing. For every mutation, a table of malformed payloads (wrong
 * types, missing and extra fields, huge arrays and strings, NUL and unpaired
 * surrogates, out-of-range numbers, null, arrays for objects…) is sent as an
 * admin, so authorisation is never what refuses them: over /trpc, over the
 * REST routes for procedures that have one, as raw malformed bodies, and as
 * random JSON from fast-check. No answer may be a 5xx or leak a stack, SQL,
 * file paths or node_modules; at the end the database is exactly as before.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

const APP_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INSUFFICIENT_STOCK',
  'VERSION_MISMATCH',
  'IDEMPOTENCY_KEY_REUSED',
  'INVALID_TRANSITION',
  'RESERVATION_EXPIRED',
  'RATE_LIMITED',
] as const;
type AppCode = (typeof APP_CODES)[number];

const V: AppCode[] = ['VALIDATION_FAILED'];
const NF: AppCode[] = ['NOT_FOUND'];

// ---------------------------------------------------------------- fixtures

interface Fx {
  /** The version of EL-HDP-001's level at NYC-1 when the cases start. */
  version: number;
  nyc: string;
  dfw: string;
  sea: string;
  buyerId: string;
  sellerId: string;
  reservationId: string;
  /** A well-formed UUID that names nothing. */
  unknownId: string;
}

type Caller = 'admin' | 'buyer' | 'service';

let api: TestApi;
let tokens: Record<Caller, string>;
let fx: Fx;

// ---------------------------------------------------------------- bad values

const HUGE = 'x'.repeat(100_000);
const NUL = 'abc\u0000def';
const LONE_SURROGATE = 'abc\ud800def';
const EMOJI = '📦🙂';
const UUID_A = '5b6c0f3e-8f55-4d2a-9a51-0c1d2e3f4a5b';

type Bad = readonly [label: string, value: unknown];

const WRONG_TYPES: Bad[] = [
  ['true', true],
  ['an empty array', []],
  ['an object', { nested: 1 }],
];
const BAD_TEXT: Bad[] = [
  ['a 100 kB string', HUGE],
  ['a string with NUL', NUL],
  ['a string with an unpaired surrogate', LONE_SURROGATE],
  ['a number', 42],
  ...WRONG_TYPES,
];
const BAD_REQUIRED_TEXT: Bad[] = [['""', ''], ['blanks', '   '], ['null', null], ...BAD_TEXT];
const BAD_NUMBER_TYPES: Bad[] = [
  ['a numeric string', '5'],
  ['"NaN"', 'NaN'],
  ['"Infinity"', 'Infinity'],
  ['""', ''],
  ['null', null],
  ...WRONG_TYPES,
];

const KINDS = {
  uuid: [
    ['""', ''],
    ['"not-a-uuid"', 'not-a-uuid'],
    ['a UUID with a bad digit', '5b6c0f3e-8f55-4d2a-9a51-0c1d2e3f4a5g'],
    ['a UUID with SQL', `${UUID_A}' or '1'='1`],
    ['emoji', EMOJI],
    ['null', null],
    ...BAD_TEXT,
  ],
  sku: [
    ['""', ''],
    ['blanks', '   '],
    ['a space inside', 'EL HDP 001'],
    ['a leading dash', '-EL-HDP-001'],
    ['accents', 'ÉL-HDP-001'],
    ['emoji', EMOJI],
    ['65 characters', 'A'.repeat(65)],
    ['SQL', "x'; drop table products; --"],
    ['a path', '../../etc/passwd'],
    ['null', null],
    ...BAD_TEXT,
  ],
  warehouseCode: [
    ['""', ''],
    ['one character', 'A'],
    ['lower case', 'nyc-2'],
    ['a space inside', 'NYC 2'],
    ['17 characters', 'A'.repeat(17)],
    ['emoji', EMOJI],
    ['null', null],
    ...BAD_TEXT,
  ],
  text: BAD_REQUIRED_TEXT,
  optionalText: [['null', null], ...BAD_TEXT],
  nullableText: BAD_TEXT,
  email: [
    ['""', ''],
    ['no @', 'no-at-sign.example.com'],
    ['no domain', 'someone@'],
    ['a space inside', 'some one@example.com'],
    ['emoji', `${EMOJI}@example.com`],
    ['255 characters', `${'a'.repeat(243)}@example.com`],
    ['null', null],
    ...BAD_TEXT,
  ],
  password: [
    ['7 characters', 'short12'],
    ['11 characters', 'kettle-drum'],
    ['a common password', 'password1234'],
    ['a common password in capitals', 'QWERTY123456'],
    ['one character repeated', 'zzzzzzzzzzzzzzzz'],
    ['201 characters', 'p'.repeat(201)],
    ['null', null],
    ...BAD_TEXT,
  ],
  loginEmail: [['255 characters', 'a'.repeat(255)], ['null', null], ...BAD_TEXT],
  loginPassword: [['201 characters', 'p'.repeat(201)], ['null', null], ...BAD_TEXT],
  quantity: [
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['0.0001', 0.0001],
    ['1000001', 1_000_001],
    ['1e21', 1e21],
    ['-1e21', -1e21],
    ...BAD_NUMBER_TYPES,
  ],
  smallCount: [['0', 0], ['-1', -1], ['1.5', 1.5], ['1001', 1001], ...BAD_NUMBER_TYPES],
  ttlSeconds: [['0', 0], ['-60', -60], ['1.5', 1.5], ['86401', 86_401], ...BAD_NUMBER_TYPES],
  version: [['0', 0], ['-1', -1], ['1.5', 1.5], ['2^53', 2 ** 53], ['1e300', 1e300], ...BAD_NUMBER_TYPES],
  optionalVersion: [['0', 0], ['-1', -1], ['1.5', 1.5], ['2^53', 2 ** 53], ...BAD_NUMBER_TYPES],
  onHand: [['-1', -1], ['1.5', 1.5], ['1000001', 1_000_001], ['-0.5', -0.5], ...BAD_NUMBER_TYPES],
  delta: [
    ['0', 0],
    ['1.5', 1.5],
    ['-0.5', -0.5],
    ['1000001', 1_000_001],
    ['-1000001', -1_000_001],
    ...BAD_NUMBER_TYPES,
  ],
  priceMinor: [['-1', -1], ['1.5', 1.5], ['1e12 + 1', 1e12 + 1], ['1e300', 1e300], ...BAD_NUMBER_TYPES],
  currency: [
    ['lower case', 'usd'],
    ['two letters', 'US'],
    ['four letters', 'USDX'],
    ['symbols', '€€€'],
    ['""', ''],
    ['null', null],
    ...BAD_TEXT,
  ],
  latitude: [['90.0001', 90.0001], ['-91', -91], ['1e6', 1e6], ...BAD_NUMBER_TYPES],
  longitude: [['180.5', 180.5], ['-181', -181], ['-1e6', -1e6], ...BAD_NUMBER_TYPES],
  capacity: [['-1', -1], ['1.5', 1.5], ['2e9 + 1', 2e9 + 1], ['a numeric string', '10'], ...WRONG_TYPES],
  priority: [['-1', -1], ['1.5', 1.5], ['1000001', 1_000_001], ...BAD_NUMBER_TYPES],
  timezone: [
    ['an unknown zone', 'Mars/Olympus_Mons'],
    ['an offset', 'UTC+25'],
    ['""', ''],
    ['null', null],
    ...BAD_TEXT,
  ],
  role: [
    ['unknown', 'superuser'],
    ['upper case', 'ADMIN'],
    ['""', ''],
    ['null', null],
    ['a number', 1],
  ],
  boolean: [
    ['"true"', 'true'],
    ['1', 1],
    ['0', 0],
    ['null', null],
    ['an object', {}],
  ],
  warehouseIds: [
    ['a string', 'NYC-1'],
    ['numbers', [1, 2]],
    ['a bad UUID', ['not-a-uuid']],
    ['null items', [null]],
    ['101 UUIDs', Array.from({ length: 101 }, () => UUID_A)],
    ['null', null],
    ['an object', { 0: UUID_A }],
  ],
  tokenName: [['101 characters', 'n'.repeat(101)], ...BAD_REQUIRED_TEXT],
  scopes: [
    ['an unknown scope', ['everything']],
    ['upper case', ['ORDERS']],
    ['no scope', []],
    ['the same scope twice', ['orders', 'orders']],
    ['a string', 'orders'],
    ['null items', [null]],
    ['six scopes', ['orders', 'payments', 'reservations', 'stock:read', 'stock:write', 'admin']],
    ['null', null],
    ['an object', { orders: true }],
  ],
  tokenWarehouseIds: [
    ['a string', 'NYC-1'],
    ['numbers', [1, 2]],
    ['a bad UUID', ['not-a-uuid']],
    ['null items', [null]],
    ['no warehouse', []],
    ['the same warehouse twice', [UUID_A, UUID_A]],
    ['101 UUIDs', Array.from({ length: 101 }, () => UUID_A)],
    ['an object', { 0: UUID_A }],
  ],
  expiresAt: [
    ['a word', 'tomorrow'],
    ['no offset', '2099-01-01T00:00:00'],
    ['in the past', '2020-01-01T00:00:00Z'],
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['epoch seconds', 4_000_000_000],
    ['""', ''],
    ...BAD_TEXT,
  ],
  graceSeconds: [
    ['-1', -1],
    ['1.5', 1.5],
    ['604801 (over 7 days)', 604_801],
    ['1e21', 1e21],
    ...BAD_NUMBER_TYPES,
  ],
  nullableUuid: [['""', ''], ['"not-a-uuid"', 'not-a-uuid'], ...BAD_TEXT],
  strategy: [
    ['unknown', 'fastest'],
    ['upper case', 'NEAREST'],
    ['""', ''],
    ['null', null],
    ['a number', 1],
  ],
  shipTo: [
    ['{}', {}],
    ['latitude 91', { latitude: 91, longitude: 0 }],
    ['longitude -181', { latitude: 0, longitude: -181 }],
    ['no longitude', { latitude: 0 }],
    ['string coordinates', { latitude: '40', longitude: '-70' }],
    ['an array', [40, -70]],
    ['a string', '40,-70'],
    ['null', null],
  ],
  reference: [
    ['""', ''],
    ['blanks', '   '],
    ['201 characters', 'r'.repeat(201)],
    ['null', null],
    ...BAD_TEXT,
  ],
  reason: [['""', ''], ['501 characters', 'r'.repeat(501)], ['null', null], ...BAD_TEXT],
  countedAt: [
    ['a word', 'yesterday'],
    ['month 13', '2024-13-01T00:00:00Z'],
    ['February 30', '2024-02-30T00:00:00Z'],
    ['no time', '2024-01-01'],
    ['no offset', '2024-01-01T00:00:00'],
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['epoch seconds', 1_700_000_000],
    ['""', ''],
    ['null', null],
    ...BAD_TEXT,
  ],
  orderStatus: [
    ['unknown', 'teleported'],
    ['upper case', 'PAID'],
    ['""', ''],
    ['null', null],
    ['a number', 1],
  ],
  cartQuantity: [['-1', -1], ['1.5', 1.5], ['1001', 1001], ...BAD_NUMBER_TYPES],
  carrier: [['101 characters', 'c'.repeat(101)], ...BAD_REQUIRED_TEXT],
  trackingNumber: [
    ['a semicolon', '1Z;rm -rf'],
    ['emoji', `1Z${EMOJI}`],
    ['101 characters', '1'.repeat(101)],
    ...BAD_REQUIRED_TEXT,
  ],
  address: [['""', ''], ['501 characters', 'a'.repeat(501)], ['null', null], ...BAD_TEXT],
  orderShipTo: [
    ['{}', {}],
    ['latitude 91', { latitude: 91, longitude: 0 }],
    ['no latitude', { longitude: 0 }],
    ['an empty address', { latitude: 0, longitude: 0, address: '' }],
    ['an address with NUL', { latitude: 0, longitude: 0, address: NUL }],
    ['an unknown field', { latitude: 0, longitude: 0, planet: 'Mars' }],
    ['an array', [0, 0]],
    ['null', null],
  ],
  customer: [
    ['{}', {}],
    ['no email', { name: 'Ann' }],
    ['a bad email', { name: 'Ann', email: 'not-an-email' }],
    ['an empty name', { name: '', email: 'ann@example.com' }],
    ['a name with NUL', { name: NUL, email: 'ann@example.com' }],
    ['an unknown field', { name: 'Ann', email: 'ann@example.com', vip: true }],
    ['a string', 'Ann <ann@example.com>'],
    ['null', null],
  ],
  webhookUrl: [
    ['""', ''],
    ['blanks', '   '],
    ['not a URL', 'not a url'],
    ['a relative path', '/hooks/x'],
    ['ftp', 'ftp://127.0.0.1/x'],
    ['javascript:', 'javascript:alert(1)'],
    ['a user and password', 'http://user:pw@127.0.0.1:9/x'],
    ['2049 characters', `http://127.0.0.1:9/${'x'.repeat(2030)}`],
    ['null', null],
    ...BAD_TEXT,
  ],
  webhookEvents: [
    ['[]', []],
    ['an unknown type', ['order.teleported']],
    ['a type twice', ['order.paid', 'order.paid']],
    ['a string', 'order.paid'],
    ['[null]', [null]],
    ['[42]', [42]],
    ['12 items', Array.from({ length: 12 }, () => 'order.paid')],
    ['null', null],
    ['an object', { 0: 'order.paid' }],
  ],
  /** Nullable (null clears it), so only what can never be stored. */
  webhookDescription: [['501 characters', 'd'.repeat(501)], ...BAD_TEXT],
  idempotencyKey: [
    ['""', ''],
    ['blanks', '   '],
    ['a space inside', 'key with space'],
    ['accents', 'clé'],
    ['emoji', `key-${EMOJI}`],
    ['201 characters', 'k'.repeat(201)],
    ['null', null],
    ...BAD_TEXT,
  ],
} satisfies Record<string, readonly Bad[]>;
type Kind = keyof typeof KINDS;

// ---------------------------------------------------------------- mutations

interface ArraySpec {
  field: string;
  max: number;
  item: (fx: Fx) => Record<string, unknown>;
  itemFields: Record<string, Kind>;
  itemRequired: string[];
  /** Two items naming the same thing are refused. */
  refusesDuplicates?: boolean;
}

interface Special {
  label: string;
  input: (fx: Fx) => unknown;
  codes: AppCode[];
}

interface MutationSpec {
  procedure: string;
  /** Who sends the cases: a principal the procedure admits (admin unless it serves only buyers or the service). */
  as?: Caller;
  /** An empty input is a valid call (nothing to send then). */
  emptyIsValid?: boolean;
  base: (fx: Fx) => Record<string, unknown>;
  fields: Record<string, Kind>;
  required: string[];
  /** Takes the optional idempotencyKey field. */
  idempotent: boolean;
  array?: ArraySpec;
  specials?: Special[];
  /** `bodyless`: everything required is in the path, so the adapter ignores a body that is not an object. */
  rest?: { method: 'POST' | 'PUT' | 'PATCH'; path: string; bodyless?: boolean };
}

const syncItem = (fx: Fx) => ({
  warehouseId: fx.nyc,
  sku: 'EL-HDP-001',
  onHand: 5,
  countedAt: '2024-01-01T00:00:00Z',
});
const reserveLine = (fx: Fx) => ({ sku: 'EL-HDP-001', quantity: 1, warehouseId: fx.nyc });

const MUTATIONS: MutationSpec[] = [
  {
    procedure: 'serviceTokens.create',
    base: (fx) => ({
      name: 'bad-input token',
      scopes: ['orders'],
      warehouseIds: [fx.nyc],
      expiresAt: '2099-01-01T00:00:00Z',
    }),
    fields: {
      name: 'tokenName',
      scopes: 'scopes',
      warehouseIds: 'tokenWarehouseIds',
      expiresAt: 'expiresAt',
    },
    required: ['name', 'scopes'],
    idempotent: true,
    rest: { method: 'POST', path: '/service-tokens' },
    specials: [
      {
        label: 'a name an active token has',
        input: () => ({ name: 'checkout-service (demo)', scopes: ['orders'] }),
        codes: V,
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ name: 'nowhere token', scopes: ['orders'], warehouseIds: [fx.unknownId] }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'serviceTokens.revoke',
    base: (fx) => ({ id: fx.unknownId }),
    fields: { id: 'uuid' },
    required: ['id'],
    idempotent: true,
    rest: { method: 'POST', path: '/service-tokens/{id}/revoke', bodyless: true },
    specials: [{ label: 'an unknown token', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
  },
  {
    procedure: 'serviceTokens.rotate',
    base: (fx) => ({ id: fx.unknownId, graceSeconds: 60 }),
    fields: { id: 'uuid', graceSeconds: 'graceSeconds' },
    required: ['id'],
    idempotent: true,
    rest: { method: 'POST', path: '/service-tokens/{id}/rotate' },
    specials: [{ label: 'an unknown token', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
  },
  {
    procedure: 'users.create',
    base: (fx) => ({
      email: 'new-user@example.com',
      password: 'tulip kettle 3f9a2b',
      name: 'New User',
      role: 'staff',
      warehouseIds: [fx.nyc],
    }),
    fields: {
      email: 'email',
      password: 'password',
      name: 'text',
      role: 'role',
      warehouseIds: 'warehouseIds',
    },
    required: ['email', 'password', 'name', 'role'],
    idempotent: true,
    specials: [
      {
        label: 'an email that already exists',
        input: () => ({
          email: 'BUYER@example.com',
          password: 'tulip kettle 3f9a2b',
          name: 'X',
          role: 'buyer',
        }),
        codes: V,
      },
      {
        label: 'the same warehouse twice',
        input: (fx) => ({
          email: 'twice@example.com',
          password: 'tulip kettle 3f9a2b',
          name: 'Twice',
          role: 'staff',
          warehouseIds: [fx.nyc, fx.nyc],
        }),
        codes: V,
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({
          email: 'nowhere@example.com',
          password: 'tulip kettle 3f9a2b',
          name: 'Nowhere',
          role: 'staff',
          warehouseIds: [fx.unknownId],
        }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'users.update',
    base: (fx) => ({ id: fx.buyerId, name: 'Renamed', role: 'buyer', warehouseIds: [], active: true }),
    fields: { id: 'uuid', name: 'text', role: 'role', warehouseIds: 'warehouseIds', active: 'boolean' },
    required: ['id'],
    idempotent: true,
    specials: [
      { label: 'an unknown user', input: (fx) => ({ id: fx.unknownId, name: 'Nobody' }), codes: NF },
      {
        label: 'the same warehouse twice',
        input: (fx) => ({ id: fx.buyerId, warehouseIds: [fx.nyc, fx.nyc] }),
        codes: V,
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ id: fx.buyerId, warehouseIds: [fx.unknownId] }),
        codes: NF,
      },
    ],
  },
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
  {
    procedure: 'auth.login',
    base: () => ({ email: 'admin@example.com', password: 'stockroom' }),
    fields: { email: 'loginEmail', password: 'loginPassword' },
    required: ['email', 'password'],
    idempotent: false,
  },
  {
    procedure: 'auth.register',
    base: () => ({ email: 'someone@example.com', password: 'tulip kettle 3f9a2b', name: 'Someone' }),
    fields: { email: 'email', password: 'password', name: 'text' },
    required: ['email', 'password', 'name'],
    idempotent: false,
    // An email that already exists is accepted like a new one (nothing tells them apart): abuse.test.ts.
  },
  {
    procedure: 'demo.race',
    base: (fx) => ({ sku: 'EL-HDP-001', warehouseId: fx.nyc, buyers: 2, quantityEach: 1 }),
    fields: { sku: 'sku', warehouseId: 'uuid', buyers: 'smallCount', quantityEach: 'smallCount' },
    required: ['sku', 'warehouseId', 'buyers', 'quantityEach'],
    idempotent: false,
    // NOT_FOUND is the answer; VALIDATION_FAILED is accepted only while core's runRace hands its
    // whole input to getStockLevel's strict schema (every race is refused; see roles.test.ts).
    specials: [
      {
        label: 'an unknown product',
        input: (fx) => ({ sku: 'ZZ-NONE-001', warehouseId: fx.nyc, buyers: 2, quantityEach: 1 }),
        codes: ['NOT_FOUND', 'VALIDATION_FAILED'],
      },
      {
        label: 'an unknown warehouse',
        input: (fx) => ({ sku: 'EL-HDP-001', warehouseId: fx.unknownId, buyers: 2, quantityEach: 1 }),
        codes: ['NOT_FOUND', 'VALIDATION_FAILED'],
      },
    ],
  },
  {
    procedure: 'cart.setItem',
    as: 'buyer',
    base: () => ({ sku: 'EL-HDP-001', quantity: 2 }),
    fields: { sku: 'sku', quantity: 'cartQuantity' },
    required: ['sku', 'quantity'],
    idempotent: true,
    specials: [
      { label: 'an unknown product', input: () => ({ sku: 'ZZ-NONE-001', quantity: 1 }), codes: NF },
    ],
  },
  {
    procedure: 'cart.clear',
    as: 'buyer',
    emptyIsValid: true,
    base: () => ({}),
    fields: {},
    required: [],
    idempotent: true,
  },
  {
    procedure: 'checkout.start',
    as: 'buyer',
    base: () => ({
      shipTo: { latitude: 40.7, longitude: -74, address: '1 Main St' },
      lines: [{ sku: 'EL-HDP-001', quantity: 1 }],
    }),
    fields: { shipTo: 'orderShipTo' },
    required: ['shipTo'],
    idempotent: true,
    array: {
      field: 'lines',
      max: 100,
      item: () => ({ sku: 'EL-HDP-001', quantity: 1 }),
      itemFields: { sku: 'sku', quantity: 'quantity' },
      itemRequired: ['sku', 'quantity'],
    },
    specials: [
      {
        label: 'an unknown product',
        input: () => ({
          shipTo: { latitude: 0, longitude: 0 },
          lines: [{ sku: 'ZZ-NONE-001', quantity: 1 }],
        }),
        codes: NF,
      },
    ],
  },
  {
    procedure: 'checkout.paymentSucceeded',
    as: 'service',
    base: (fx) => ({ orderId: fx.unknownId, paymentReference: 'pay-1' }),
    fields: { orderId: 'uuid', paymentReference: 'text' },
    required: ['orderId', 'paymentReference'],
    idempotent: true,
    specials: [
      {
        label: 'an unknown order',
        input: (fx) => ({ orderId: fx.unknownId, paymentReference: 'p' }),
        codes: NF,
      },
      {
        label: 'a 201-character payment reference',
        input: (fx) => ({ orderId: fx.unknownId, paymentReference: 'p'.repeat(201) }),
        codes: V,
      },
    ],
  },
  {
    procedure: 'checkout.paymentFailed',
    as: 'service',
    base: (fx) => ({ orderId: fx.unknownId, reason: 'card declined' }),
    fields: { orderId: 'uuid', reason: 'reason' },
    required: ['orderId', 'reason'],
    idempotent: true,
    specials: [
      { label: 'an unknown order', input: (fx) => ({ orderId: fx.unknownId, reason: 'x' }), codes: NF },
    ],
  },
  {
    procedure: 'orders.create',
    base: (fx) => ({
      lines: [{ sku: 'EL-HDP-001', quantity: 1, warehouseId: fx.nyc }],
      customer: { name: 'Ann', email: 'ann@example.com' },
      shipTo: { latitude: 40.7, longitude: -74 },
    }),
    fields: { customer: 'customer', shipTo: 'orderShipTo' },
    required: ['lines', 'customer', 'shipTo'],
    idempotent: true,
    array: {
      field: 'lines',
      max: 100,
      item: (fx) => ({ sku: 'EL-HDP-001', quantity: 1, warehouseId: fx.nyc }),
      itemFields: { sku: 'sku', quantity: 'quantity', warehouseId: 'uuid' },
      itemRequired: ['sku', 'quantity'],
    },
    specials: [
      {
        label: 'more than exists',
        input: (fx) => ({
          lines: [{ sku: 'EL-HDP-001', quantity: 1_000_000, warehouseId: fx.nyc }],
          customer: { name: 'Ann', email: 'ann@example.com' },
          shipTo: { latitude: 0, longitude: 0 },
        }),
        codes: ['INSUFFICIENT_STOCK'],
      },
    ],
  },
  {
    procedure: 'orders.updateStatus',
    base: (fx) => ({ id: fx.unknownId, status: 'picking', expectedVersion: 1 }),
    fields: { id: 'uuid', status: 'orderStatus', expectedVersion: 'optionalVersion' },
    required: ['id', 'status'],
    idempotent: true,
    specials: [
      { label: 'an unknown order', input: (fx) => ({ id: fx.unknownId, status: 'picking' }), codes: NF },
    ],
  },
  {
    procedure: 'orders.cancel',
    base: (fx) => ({ id: fx.unknownId, reason: 'customer asked' }),
    fields: { id: 'uuid', reason: 'reason' },
    required: ['id', 'reason'],
    idempotent: true,
    specials: [{ label: 'an unknown order', input: (fx) => ({ id: fx.unknownId, reason: 'x' }), codes: NF }],
  },
  {
    procedure: 'orders.ship',
    base: (fx) => ({
      id: fx.unknownId,
      warehouseId: fx.nyc,
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
    }),
    fields: { id: 'uuid', warehouseId: 'uuid', carrier: 'carrier', trackingNumber: 'trackingNumber' },
    required: ['id', 'warehouseId', 'carrier', 'trackingNumber'],
    idempotent: true,
    specials: [
      {
        label: 'an unknown order',
        input: (fx) => ({ id: fx.unknownId, warehouseId: fx.nyc, carrier: 'UPS', trackingNumber: '1Z' }),
        codes: NF,
      },
    ],
  },
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
  {
    procedure: 'webhooks.create',
    base: () => ({ url: 'http://127.0.0.1:9/bad-input', events: ['order.paid'], description: 'Bad input' }),
    fields: { url: 'webhookUrl', events: 'webhookEvents', description: 'optionalText' },
    required: ['url', 'events'],
    idempotent: true,
    rest: { method: 'POST', path: '/webhooks' },
  },
  {
    procedure: 'webhooks.update',
    base: (fx) => ({ id: fx.unknownId, url: 'http://127.0.0.1:9/x', events: ['order.paid'], active: true }),
    fields: {
      id: 'uuid',
      url: 'webhookUrl',
      events: 'webhookEvents',
      description: 'webhookDescription',
      active: 'boolean',
    },
    required: ['id'],
    idempotent: true,
    specials: [
      { label: 'nothing to change', input: (fx) => ({ id: fx.unknownId }), codes: V },
      { label: 'an unknown webhook', input: (fx) => ({ id: fx.unknownId, description: 'x' }), codes: NF },
    ],
    rest: { method: 'PATCH', path: '/webhooks/{id}' },
  },
  {
    procedure: 'webhooks.delete',
    base: (fx) => ({ id: fx.unknownId }),
    fields: { id: 'uuid' },
    required: ['id'],
    idempotent: true,
    specials: [{ label: 'an unknown webhook', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
  },
  {
    procedure: 'webhooks.redeliver',
    base: (fx) => ({ deliveryId: fx.unknownId }),
    fields: { deliveryId: 'uuid' },
    required: ['deliveryId'],
    idempotent: true,
    specials: [{ label: 'an unknown delivery', input: (fx) => ({ deliveryId: fx.unknownId }), codes: NF }],
    rest: { method: 'POST', path: '/webhook-deliveries/{deliveryId}/redeliver', bodyless: true },
  },
  {
    procedure: 'webhooks.rotateSecret',
    base: (fx) => ({ id: fx.unknownId, graceSeconds: 60 }),
    fields: { id: 'uuid', graceSeconds: 'graceSeconds' },
    required: ['id'],
    idempotent: true,
    specials: [{ label: 'an unknown webhook', input: (fx) => ({ id: fx.unknownId }), codes: NF }],
    rest: { method: 'POST', path: '/webhooks/{id}/rotate-secret' },
  },
];

// ---------------------------------------------------------------- case generation

interface Case {
  label: string;
  input: (fx: Fx) => unknown;
  codes: AppCode[];
}

const without = (object: Record<string, unknown>, key: string) => {
  const { [key]: _dropped, ...rest } = object;
  return rest;
};

function casesFor(spec: MutationSpec): Case[] {
  const cases: Case[] = [];
  const add = (label: string, input: (fx: Fx) => unknown, codes: AppCode[] = V) =>
    cases.push({ label, input, codes });

  // The payload as a whole is not an object.
  add('input null', () => null);
  add('input an empty array', () => []);
  add('input an array holding a valid payload', (fx) => [spec.base(fx)]);
  add('input a string', () => 'EL-HDP-001');
  add('input a number', () => 42);
  add('input true', () => true);
  if (!spec.emptyIsValid) add('input {}', () => ({}));

  // One field wrong at a time.
  for (const [field, kind] of Object.entries(spec.fields)) {
    for (const [label, value] of KINDS[kind]) {
      add(`${field} = ${label}`, (fx) => ({ ...spec.base(fx), [field]: value }));
    }
  }
  for (const field of spec.required) add(`without ${field}`, (fx) => without(spec.base(fx), field));

  // Fields nobody asked for.
  add('an unknown field', (fx) => ({ ...spec.base(fx), unexpected: 'x' }));
  add('an unknown field isAdmin: true', (fx) => ({ ...spec.base(fx), isAdmin: true }));
  add('an unknown field "constructor"', (fx) => ({ ...spec.base(fx), constructor: { prototype: {} } }));
  if (spec.idempotent) {
    for (const [label, value] of KINDS.idempotencyKey) {
      add(`idempotencyKey = ${label}`, (fx) => ({ ...spec.base(fx), idempotencyKey: value }));
    }
  } else {
    add('an idempotencyKey (not taken here)', (fx) => ({ ...spec.base(fx), idempotencyKey: 'key-1' }));
  }

  // Arrays: empty, too long, not arrays, bad items.
  const array = spec.array;
  if (array) {
    const withItems = (fx: Fx, items: unknown) => ({ ...spec.base(fx), [array.field]: items });
    add(`${array.field} = []`, (fx) => withItems(fx, []));
    add(`${array.field} with ${array.max + 1} items`, (fx) =>
      withItems(
        fx,
        Array.from({ length: array.max + 1 }, () => array.item(fx)),
      ),
    );
    add(`${array.field} with 10000 items`, (fx) =>
      withItems(
        fx,
        Array.from({ length: 10_000 }, () => array.item(fx)),
      ),
    );
    add(`${array.field} = an object`, (fx) => withItems(fx, array.item(fx)));
    add(`${array.field} = a string`, (fx) => withItems(fx, 'EL-HDP-001'));
    add(`${array.field} = null`, (fx) => withItems(fx, null));
    add(`${array.field} = [null]`, (fx) => withItems(fx, [null]));
    add(`${array.field} = [42]`, (fx) => withItems(fx, [42]));
    add(`${array.field} = [[]]`, (fx) => withItems(fx, [[]]));
    for (const [field, kind] of Object.entries(array.itemFields)) {
      for (const [label, value] of KINDS[kind]) {
        add(`${array.field}[1].${field} = ${label}`, (fx) =>
          withItems(fx, [array.item(fx), { ...array.item(fx), sku: 'EL-SPK-001', [field]: value }]),
        );
      }
    }
    for (const field of array.itemRequired) {
      add(`${array.field}[0] without ${field}`, (fx) => withItems(fx, [without(array.item(fx), field)]));
    }
    add(`${array.field}[0] with an unknown field`, (fx) => withItems(fx, [{ ...array.item(fx), extra: 1 }]));
    if (array.refusesDuplicates) {
      add(`${array.field} naming one level twice`, (fx) => withItems(fx, [array.item(fx), array.item(fx)]));
    }
  }

  for (const special of spec.specials ?? []) add(special.label, special.input, special.codes);
  return cases;
}

/** Raw bodies that are not the JSON they claim to be (or not JSON at all). */
const RAW_BODIES: { label: string; body: string | Uint8Array; contentType?: string }[] = [
  { label: 'an empty body', body: '' },
  { label: '"{"', body: '{' },
  { label: 'a truncated object', body: '{"sku":' },
  { label: 'plain words', body: 'not json at all' },
  { label: 'single quotes', body: "{'sku': 'EL-HDP-001'}" },
  { label: 'a trailing brace', body: '{"sku":"EL-HDP-001"}}' },
  { label: 'a trailing comma', body: '{"sku":"EL-HDP-001",}' },
  { label: 'NaN', body: 'NaN' },
  { label: 'a NaN value', body: '{"quantity": NaN}' },
  { label: 'an Infinity value', body: '{"quantity": Infinity}' },
  { label: 'a number too large for a double', body: '{"quantity": 1e999, "onHand": -1e999}' },
  { label: 'a NUL byte', body: '\u0000' },
  { label: 'invalid UTF-8', body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
  { label: 'a UTF-8 BOM before an unknown field', body: '\ufeff{"unexpected":1}' },
  { label: 'nested 10000 deep', body: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
  { label: 'nested objects 5000 deep', body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}` },
  { label: 'a __proto__ key', body: '{"__proto__": {"isAdmin": true}, "sku": "EL-HDP-001"}' },
  { label: 'duplicate keys', body: '{"sku": "EL-HDP-001", "sku": {"$ne": null}}' },
  { label: 'text/plain', body: '{"sku":"EL-HDP-001"}', contentType: 'text/plain' },
  {
    label: 'a form body',
    body: 'sku=EL-HDP-001&quantity=1',
    contentType: 'application/x-www-form-urlencoded',
  },
  { label: 'XML', body: '<sku>EL-HDP-001</sku>', contentType: 'application/xml' },
];

// ---------------------------------------------------------------- HTTP and checks

interface Answer {
  status: number;
  text: string;
  body: unknown;
  headers: Headers;
}

async function send(
  path: string,
  init: {
    method?: string;
    body?: string | Uint8Array;
    contentType?: string;
    headers?: Record<string, string>;
    as?: Caller;
  },
): Promise<Answer> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${tokens[init.as ?? 'admin']}`,
    ...init.headers,
  };
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const res = await fetch(`${api.url}${path}`, { method: init.method ?? 'POST', headers, body: init.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body, headers: res.headers };
}

const LEAKS: [string, RegExp][] = [
  [
    'a stack frame',
    /\bat\s+(?:async\s+)?[\w$.<>[\]]+\s+\(|\bat\s+(?:file:\/\/)?\/[\w./-]+:\d+|\.[cm]?[jt]sx?:\d+:\d+/,
  ],
  ['node_modules', /node_modules/i],
  ['a file path', /\/(?:work|home|root|usr|opt|srv|tmp|app)\/[\w.@-]+\/|[A-Za-z]:\\\\[\w.]+/],
  [
    'SQL',
    /\bselect\b[\s\S]{1,200}?\bfrom\b|\binsert\s+into\b|\bupdate\s+"?\w+"?\s+set\b|\bdelete\s+from\b|\bviolates\b|\bsqlstate\b|\bsyntax error at\b|\brelation\s+"|\bcolumn\s+"\w+"|\bpg_/i,
  ],
  [
    'an internal error class',
    /\b(?:TypeError|RangeError|ReferenceError|SyntaxError|ZodError|PostgresError|DatabaseError)\b/,
  ],
];

/** The appCode(s) of an answer: tRPC's `error.data.appCode` (also batched) or REST's `error.code`. */
function appCodesOf(body: unknown): (string | undefined)[] {
  const one = (b: unknown): string | undefined => {
    const error = (b as { error?: { data?: { appCode?: unknown }; code?: unknown } } | null)?.error;
    if (typeof error?.data?.appCode === 'string') return error.data.appCode;
    if (typeof error?.code === 'string') return error.code;
    return undefined;
  };
  return Array.isArray(body) ? body.map(one) : [one(body)];
}

/** A refusal as the contract wants it: 4xx, no leak, and (unless `codes` is null) one of these appCodes. */
function expectRefused(answer: Answer, codes: readonly AppCode[] | null) {
  const summary = `${answer.status} ${answer.text.slice(0, 400)}`;
  expect(answer.status, summary).toBeGreaterThanOrEqual(400);
  expect(answer.status, summary).toBeLessThan(500);
  for (const [what, pattern] of LEAKS) {
    expect(pattern.test(answer.text), `the answer leaks ${what}: ${summary}`).toBe(false);
  }
  if (codes === null) return;
  const found = appCodesOf(answer.body);
  for (const code of found) expect(codes, summary).toContain(code);
  if (answer.status === 429) expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
}

const trpcPost = (procedure: string, input: unknown, as?: Caller) =>
  send(`/trpc/${procedure}`, { body: input === undefined ? undefined : JSON.stringify(input), as });

/** Path parameters of a REST route, taken out of the input (undefined when the case cannot be a URL). */
function restRequest(
  path: string,
  input: unknown,
  fx: Fx,
  spec: MutationSpec,
): { url: string; body: unknown } | undefined {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
  const source = (isObject ? input : spec.base(fx)) as Record<string, unknown>;
  let url = path;
  for (const name of names) {
    const value = source[name];
    // A URL carries text: non-strings, empty, huge or unencodable values are tested over /trpc.
    if (typeof value !== 'string' || value.trim() === '' || value.length > 2000 || value.includes('\ud800')) {
      return undefined;
    }
    url = url.replace(`{${name}}`, encodeURIComponent(value));
  }
  const body = isObject
    ? Object.fromEntries(Object.entries(source).filter(([k]) => !names.includes(k)))
    : input;
  return { url: `/api/v1${url}`, body };
}

// ---------------------------------------------------------------- database snapshot

const TABLES = [
  'warehouses',
  'products',
  'users',
  'user_warehouses',
  'stock_levels',
  'stock_movements',
  'reservations',
  'reservation_lines',
  'events',
  'idempotency_records',
  'cart_items',
  'orders',
  'order_items',
  'shipments',
  'waitlist_entries',
  'webhooks',
  'webhook_deliveries',
];

/** Row counts and a checksum of every row of the tables a mutation can touch, plus the stock sums. */
async function snapshot(): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const table of TABLES) {
    const { rows } = await sql<{ n: number; digest: string }>`
      select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
      from ${sql.table(table)} t`.execute(api.services.db);
    state[table] = rows[0];
  }
  const { rows } = await sql<{ onHand: number; reserved: number }>`
    select coalesce(sum(on_hand), 0)::int as on_hand, coalesce(sum(reserved), 0)::int as reserved
    from stock_levels`.execute(api.services.db);
  state.stock = rows[0];
  // Service tokens without last_used_at (written on use, at most once a minute).
  const tokens = await sql<{ n: number; digest: string }>`
    select count(*)::int as n,
           md5(coalesce(string_agg(row(id, name, token_hash, prefix, scopes, warehouse_ids, expires_at,
             revoked_at, previous_token_hash, previous_valid_until, rotated_at)::text, '|' order by id), '')) as digest
    from service_tokens`.execute(api.services.db);
  state.serviceTokens = tokens.rows[0];
  return state;
}

// ---------------------------------------------------------------- the tests

let before: Record<string, unknown>;

beforeAll(async () => {
  // Failed sign-ins among the cases must not trip the login limits of later cases.
  api = await startTestApi({ LOGIN_LIMIT_PER_IP: '100000', LOGIN_LIMIT_PER_ACCOUNT: '100000' });
  tokens = {
    admin: await api.login('admin@example.com'),
    buyer: await api.login('buyer@example.com'),
    service: SERVICE_TOKEN,
  };
  const admin = api.client(tokens.admin);
  const warehouses = await admin.warehouses.list.query();
  const id = (code: string) => {
    const found = warehouses.find((w) => w.code === code);
    if (!found) throw new Error(`seed has ${code}`);
    return found.id;
  };
  const users = await admin.users.list.query();
  const userId = (email: string) => {
    const found = users.find((u) => u.email === email);
    if (!found) throw new Error(`seed has ${email}`);
    return found.id;
  };
  const reservation = await admin.reservations.create.mutate({
    lines: [{ sku: 'EL-SPK-001', quantity: 1 }],
    reference: 'bad-input fixture',
  });
  const level = await admin.inventory.get.query({ warehouseId: id('NYC-1'), sku: 'EL-HDP-001' });
  fx = {
    version: level.version,
    nyc: id('NYC-1'),
    dfw: id('DFW-1'),
    sea: id('SEA-1'),
    buyerId: userId('buyer@example.com'),
    sellerId: userId('seller@example.com'),
    reservationId: reservation.id,
    unknownId: '00000000-0000-4000-8000-000000000000',
  };
  // Every REST route once, with valid input that changes nothing, so trpc-to-openapi has done
  // whatever it does to a procedure's schemas on its first REST call before the cases run.
  for (const path of ['/api/v1/health', '/api/v1/products?limit=1', `/api/v1/stock/${fx.nyc}/EL-HDP-001`]) {
    expect((await send(path, { method: 'GET' })).status).toBe(200);
  }
  const nowhere = `/api/v1/stock/${fx.unknownId}/EL-HDP-001`;
  for (const [method, path, body] of [
    ['POST', `${nowhere}/receive`, { quantity: 1 }],
    ['POST', `${nowhere}/adjust`, { delta: 1, expectedVersion: 1, reason: 'warm-up' }],
    ['PUT', nowhere, { onHand: 1 }],
    ['POST', '/api/v1/stock/sync', { items: [{ warehouseId: fx.unknownId, sku: 'EL-HDP-001', onHand: 1 }] }],
    ['POST', '/api/v1/reservations', { lines: [{ sku: 'ZZ-NONE-001', quantity: 1 }] }],
    ['POST', `/api/v1/reservations/${fx.unknownId}/confirm`, {}],
    ['POST', `/api/v1/reservations/${fx.unknownId}/release`, {}],
    ['PATCH', `/api/v1/webhooks/${fx.unknownId}`, { description: 'warm-up' }],
    ['POST', `/api/v1/webhook-deliveries/${fx.unknownId}/redeliver`, {}],
  ] as const) {
    expect((await send(path, { method, body: JSON.stringify(body) })).status).toBe(404);
  }
  before = await snapshot();
});
afterAll(() => api.stop());

/** Bodies the REST adapter cannot take apart without overflowing its stack (see the transport tests). */
const TOO_DEEP = new Set(['nested 10000 deep', 'nested objects 5000 deep']);
/** Not objects: a path-only route's adapter spreads them into nothing (`{ ...true }`), see the transport tests. */
const NOT_OBJECTS = new Set(['input null', 'input an empty array', 'input a number', 'input true']);

describe.each(MUTATIONS)('$procedure', (spec) => {
  const cases = casesFor(spec);
  const as = spec.as ?? 'admin';

  it.each(cases)('tRPC: $label', async ({ input, codes }) => {
    expectRefused(await trpcPost(spec.procedure, input(fx), as), codes);
  });

  it.each(RAW_BODIES.filter((raw) => !(spec.emptyIsValid && raw.body === '')))(
    'tRPC raw body: $label',
    async ({ body, contentType }) => {
      expectRefused(await send(`/trpc/${spec.procedure}`, { body, contentType, as }), V);
    },
  );

  // Skipped only where no input is a valid call (cart.clear): nothing to refuse there.
  it.skipIf(spec.emptyIsValid)('tRPC: no body at all', async () => {
    expectRefused(await trpcPost(spec.procedure, undefined, as), V);
  });

  it('tRPC: random JSON (fast-check)', async () => {
    const keys = Object.keys(spec.base(fx));
    const nearMiss = fc.dictionary(fc.constantFrom(...keys, 'extra'), fc.jsonValue(), {
      maxKeys: keys.length + 1,
    });
    const accepted: AppCode[] =
      spec.procedure === 'auth.login'
        ? ['VALIDATION_FAILED', 'UNAUTHENTICATED']
        : ['VALIDATION_FAILED', 'NOT_FOUND'];
    const isEmpty = (input: unknown) =>
      typeof input === 'object' && input !== null && !Array.isArray(input) && Object.keys(input).length === 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), nearMiss).filter((input) => !(spec.emptyIsValid && isEmpty(input))),
        async (input) => {
          expectRefused(await trpcPost(spec.procedure, input, as), accepted);
        },
      ),
      { numRuns: 40, seed: [...spec.procedure].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7) },
    );
  });

  const rest = spec.rest;
  if (rest) {
    const restCases = cases.filter((c) => !(rest.bodyless && NOT_OBJECTS.has(c.label)));
    it.each(restCases)('REST: $label', async ({ input, codes }) => {
      const request = restRequest(rest.path, input(fx), fx, spec);
      if (!request) return;
      const answer = await send(request.url, { method: rest.method, body: JSON.stringify(request.body), as });
      expectRefused(answer, codes);
    });

    // Fastify parses REST bodies itself; its refusals must still be 4xx without leaks.
    const rawBodies = RAW_BODIES.filter(
      (raw) => !TOO_DEEP.has(raw.label) && !(rest.bodyless && raw.body === ''),
    );
    it.each(rawBodies)('REST raw body: $label', async ({ body, contentType }) => {
      const request = restRequest(rest.path, spec.base(fx), fx, spec);
      if (!request) throw new Error('the base input makes a URL');
      const answer = await send(request.url, { method: rest.method, body, contentType, as });
      expectRefused(answer, null);
    });
  }
});

describe('the Idempotency-Key header', () => {
  it.each([
    ['blanks', '   '],
    ['a space inside', 'key with space'],
    ['latin-1', 'clé'],
    ['201 characters', 'k'.repeat(201)],
  ])('refuses %s', async (_label, key) => {
    const input = { warehouseId: fx.nyc, sku: 'EL-HDP-001', quantity: 1 };
    const overTrpc = await send('/trpc/inventory.receive', {
      body: JSON.stringify(input),
      headers: { 'idempotency-key': key },
    });
    expectRefused(overTrpc, V);
    const overRest = await send(`/api/v1/stock/${fx.nyc}/EL-HDP-001/receive`, {
      body: JSON.stringify({ quantity: 1 }),
      headers: { 'idempotency-key': key },
    });
    expectRefused(overRest, V);
  });
});

describe('batches', () => {
  it('refuses every malformed call of a batch', async () => {
    const answer = await send('/trpc/inventory.receive,products.archive,reservations.confirm?batch=1', {
      body: JSON.stringify({ 0: { quantity: -1 }, 1: { sku: '' }, 2: { id: 'nope' } }),
    });
    expectRefused(answer, V);
    expect(appCodesOf(answer.body)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED']);
  });

  it.each([
    ['an array body', '[{"sku":"EL-HDP-001"}]'],
    ['a string body', '"EL-HDP-001"'],
    ['null', 'null'],
  ])('refuses a batch with %s', async (_label, body) => {
    expectRefused(await send('/trpc/products.archive,products.archive?batch=1', { body }), V);
  });

  it('refuses a batch larger than 50 calls', async () => {
    const names = Array.from({ length: 51 }, () => 'products.archive').join(',');
    const inputs = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [i, { sku: 'EL-HDP-001' }]));
    expectRefused(await send(`/trpc/${names}?batch=1`, { body: JSON.stringify(inputs) }), V);
  });

  it('refuses an unknown procedure', async () => {
    expectRefused(await trpcPost('inventory.steal', { sku: 'EL-HDP-001' }), NF);
  });
});

describe('orders.sales and products.mine bad input', () => {
  const SALES: [string, unknown][] = [
    ['no groupBy', {}],
    ['an unknown groupBy', { groupBy: 'week' }],
    ['groupBy null', { groupBy: null }],
    ['from not a date', { groupBy: 'day', from: 'yesterday' }],
    ['from in year 10000', { groupBy: 'day', from: '+010000-01-01T00:00:00Z' }],
    ['to before from', { groupBy: 'day', from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }],
    ['from equal to to', { groupBy: 'day', from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:00:00Z' }],
    ['a SQL sku', { groupBy: 'product', sku: "x'; drop table orders; --" }],
    ['a bad sellerId', { groupBy: 'product', sellerId: 'not-a-uuid' }],
    ['an unknown field', { groupBy: 'day', warehouseId: UUID_A }],
  ];
  it.each(SALES)('orders.sales refuses %s', async (_label, input) => {
    const answer = await send(`/trpc/orders.sales?input=${encodeURIComponent(JSON.stringify(input))}`, {
      method: 'GET',
    });
    expectRefused(answer, V);
  });
  it.each([
    ['groupBy=week', V],
    ['groupBy=day&from=nope', V],
    ['groupBy=product&sellerId=%27%20or%201%3D1', V],
  ] as const)('GET /api/v1/orders/sales?%s is refused', async (query, codes) => {
    expectRefused(await send(`/api/v1/orders/sales?${query}`, { method: 'GET' }), codes);
  });
  it.each([
    ['a cursor that is not base64 JSON', { cursor: '%%%' }],
    ['a cursor with a number key', { cursor: Buffer.from('[1]').toString('base64url') }],
    ['a cursor with a bad SKU', { cursor: Buffer.from('["-- drop"]').toString('base64url') }],
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['an unknown field', { sellerId: UUID_A }],
  ])('products.mine refuses %s', async (_label, input) => {
    const answer = await send(`/trpc/products.mine?input=${encodeURIComponent(JSON.stringify(input))}`, {
      method: 'GET',
    });
    expectRefused(answer, V);
  });
});

describe('queries with forged cursors', () => {
  const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
  const CURSORS: [string, string][] = [
    ['not base64 JSON', '%%%not-a-cursor%%%'],
    ['a string key', forged(['abc'])],
    ['an object key', forged([{ $gt: 0 }])],
    ['a huge number', forged([1e300])],
    ['three strings', forged(['x', 'not-a-uuid', 'not-a-uuid'])],
    ['three numbers', forged([1, 2, 3])],
    ['a date and bad uuids', forged(['not a date', 'x', 'y'])],
    ['501 characters', 'c'.repeat(501)],
  ];
  const QUERIES: [string, (cursor: string) => unknown][] = [
    ['events.list', (cursor) => ({ cursor })],
    ['inventory.movements', (cursor) => ({ cursor })],
    ['inventory.list sorted by sku', (cursor) => ({ cursor, sort: 'sku' })],
    ['inventory.list sorted by available', (cursor) => ({ cursor, sort: 'available' })],
    ['inventory.list sorted by updatedAt', (cursor) => ({ cursor, sort: 'updatedAt' })],
    ['products.search', (cursor) => ({ cursor })],
    ['serviceTokens.list', (cursor) => ({ cursor })],
    ['products.search with a query', (cursor) => ({ cursor, query: 'mug' })],
    ['reservations.list', (cursor) => ({ cursor })],
    ['reservations.list with a status', (cursor) => ({ cursor, status: 'pending' })],
  ];
  const cells = QUERIES.flatMap(([name, input]) =>
    CURSORS.map(([label, cursor]) => ({ name, label, input, cursor })),
  );

  it.each(cells)('$name refuses a cursor that is $label', async ({ name, input, cursor }) => {
    const procedure = name.split(' ')[0] as string;
    const query = encodeURIComponent(JSON.stringify(input(cursor)));
    const answer = await send(`/trpc/${procedure}?input=${query}`, { method: 'GET' });
    expectRefused(answer, V);
  });

  it.each([
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['limit 1.5', { limit: 1.5 }],
    ['a query of 201 characters', { query: 'q'.repeat(201) }],
    ['a query with an unpaired surrogate', { query: LONE_SURROGATE }],
    ['a query with NUL', { query: NUL }],
    ['a category with NUL', { category: NUL }],
    ['a bad warehouse reference', { warehouseId: 'nyc 1' }],
  ])('products.search refuses %s', async (_label, input) => {
    const answer = await send(`/trpc/products.search?input=${encodeURIComponent(JSON.stringify(input))}`, {
      method: 'GET',
    });
    expectRefused(answer, V);
  });
});

describe('reservations.list filters', () => {
  it.each([
    ['an unknown status', { status: 'stuck' }],
    ['a bad warehouse id', { warehouseId: 'not-a-uuid' }],
    ['a bad sku', { sku: 'EL HDP 001' }],
    ['an empty reference', { reference: '' }],
    ['a reference of 201 characters', { reference: 'r'.repeat(201) }],
    ['a reference with NUL', { reference: NUL }],
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['an unknown field', { owner: 'me' }],
  ])('refuses %s', async (_label, input) => {
    const answer = await send(`/trpc/reservations.list?input=${encodeURIComponent(JSON.stringify(input))}`, {
      method: 'GET',
    });
    expectRefused(answer, V);
  });
});

describe('the transport', () => {
  const big = JSON.stringify({ items: [], padding: 'x'.repeat(1_100_000) });

  it('answers a body over BODY_LIMIT_BYTES with 413 over /trpc', async () => {
    const answer = await send('/trpc/inventory.sync', { body: big });
    expect(answer.status).toBe(413);
    expectRefused(answer, null);
  });

  it('answers a body over BODY_LIMIT_BYTES with 413 over REST', async () => {
    const answer = await send('/api/v1/stock/sync', { body: big });
    expect(answer.status).toBe(413);
    expectRefused(answer, null);
  });

  it('answers a URL too long for the server with a 4xx', async () => {
    const answer = await send(`/api/v1/stock/${fx.nyc}/${'A'.repeat(70_000)}/receive`, {
      body: JSON.stringify({ quantity: 1 }),
    });
    expectRefused(answer, null);
  });

  it('answers a path with a broken percent-encoding with a 4xx', async () => {
    const answer = await send(`/api/v1/stock/${fx.nyc}/%E0%A4%A/receive`, {
      body: JSON.stringify({ quantity: 1 }),
    });
    expectRefused(answer, null);
  });

  it('answers a path with an encoded unpaired surrogate with a 4xx', async () => {
    const answer = await send(`/api/v1/stock/${fx.nyc}/A%ED%A0%80B/receive`, {
      body: JSON.stringify({ quantity: 1 }),
    });
    expectRefused(answer, null);
  });

  it('answers GET on a mutation with a 4xx', async () => {
    expectRefused(await send('/trpc/inventory.receive', { method: 'GET' }), V);
  });

  it('answers a mutation sent to a query with a 4xx', async () => {
    expectRefused(await trpcPost('products.search', { query: 'mug' }), V);
  });

  it('takes JSON nested 10000 deep over /trpc as bad input', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    expectRefused(await send('/trpc/inventory.sync', { body: deep }), V);
  });

  // ---- Known gaps in server.ts (reported to the lead); these turn green when it is fixed. ----

  // Fastify answers these before tRPC sees them, with its own body `{ statusCode, code: 'FST_ERR_…' }`:
  // the root error handler is set after the /trpc and /api/v1 plugins were registered, so their routes
  // never use it (and FST_ERR_BAD_URL needs Fastify's `frameworkErrors`).
  it('answers REST malformed JSON, oversize bodies and bad URLs with an appCode', async () => {
    const answers = [
      await send('/api/v1/stock/sync', { body: '{"items":' }),
      await send('/api/v1/stock/sync', { body: big }),
      await send('/trpc/inventory.sync', { body: big }),
      await send(`/api/v1/stock/${fx.nyc}/%E0%A4%A/receive`, { body: '{}' }),
    ];
    for (const answer of answers) expectRefused(answer, V);
  });

  // The REST adapter (trpc-to-openapi → @trpc/server incomingMessageToRequest) JSON.stringifies
  // the parsed body and overflows the stack on deep nesting: 500 INTERNAL.
  it('answers REST JSON nested 5000 deep with a 4xx', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    expectRefused(await send('/api/v1/stock/sync', { body: deep }), null);
  });

  // The REST adapter builds the input as `{ ...body, ...pathParams }`: a body of `true`, `null`, `42`
  // or `[]` is silently dropped, so POST /reservations/{id}/confirm with body `true` confirms.
  it('refuses a REST body that is not an object', async () => {
    const answer = await send(`/api/v1/reservations/${fx.unknownId}/confirm`, { body: 'true' });
    expectRefused(answer, V);
  });
});

describe('afterwards', () => {
  it('left the database exactly as it was', async () => {
    expect(await snapshot()).toEqual(before);
  });

  it('still serves a valid call (nothing is wedged)', async () => {
    const admin = api.client(tokens.admin);
    const level = await admin.inventory.get.query({ warehouseId: fx.nyc, sku: 'EL-HDP-001' });
    expect(level.version).toBe(fx.version);
    const audit = await admin.audit.verify.query();
    expect(audit.mismatches).toEqual([]);
  });
});

describe('what is not bad input', () => {
  // After the comparison above (tests run in order): these calls change the database.
  it('keeps accents, emoji (paired surrogates) and other scripts in text', async () => {
    const name = 'Café 📦 Ünïcödé — 東京 مرحبا';
    const product = await api.client(tokens.admin).products.create.mutate({
      sku: 'ZZ-UNICODE-001',
      name,
      description: `${name}\nwith a line break\tand a tab`,
      category: 'Tést',
      priceMinor: 1,
      currency: 'EUR',
    });
    expect(product.name).toBe(name);
    expect((await api.client(tokens.admin).products.get.query({ sku: 'ZZ-UNICODE-001' })).name).toBe(name);
  });

  it('still coerces REST query strings (GET /products?limit=2)', async () => {
    const answer = await send('/api/v1/products?limit=2', { method: 'GET' });
    expect(answer.status).toBe(200);
    expect((answer.body as { items: unknown[] }).items).toHaveLength(2);
  });
});
