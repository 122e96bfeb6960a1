/**
 * Bad input (SPEC §2 rule 9), as data: the malformed values of each kind of
 * field, what a mutation's input looks like (its spec), and the cases made
 * from a spec (the payload not an object, one field wrong at a time, fields
 * missing or unasked for, bad idempotency keys, arrays empty, too long or with
 * bad items, and the spec's own specials). The domain tables run the cases
 * through createCaller (kit/bad-input.ts); test/http.test.ts sends the same
 * cases to the REST routes and raw bodies to /trpc.
 */

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
export type AppCode = (typeof APP_CODES)[number];

export const V: AppCode[] = ['VALIDATION_FAILED'];
export const NF: AppCode[] = ['NOT_FOUND'];

/** Ids and versions the specs build their inputs from. */
export interface Fx {
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

/** Who sends a spec's cases. */
export type Sender = 'admin' | 'buyer' | 'service';

const HUGE = 'x'.repeat(100_000);
export const NUL = 'abc\u0000def';
export const LONE_SURROGATE = 'abc\ud800def';
const EMOJI = '📦🙂';
export const UUID_A = '5b6c0f3e-8f55-4d2a-9a51-0c1d2e3f4a5b';

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
  /** A bin location: null clears it, so null is not bad here. */
  location: [
    ['""', ''],
    ['blanks', '   '],
    ['41 characters', 'l'.repeat(41)],
    ['"<b>"', '<b>'],
    ['"=1+1"', '=1+1'],
    ...BAD_TEXT,
  ],
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

export interface MutationSpec {
  procedure: string;
  /** Who sends the cases: a principal the procedure admits (admin unless it serves only buyers or the service). */
  as?: Sender;
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

export const syncItem = (fx: Fx) => ({
  warehouseId: fx.nyc,
  sku: 'EL-HDP-001',
  onHand: 5,
  countedAt: '2024-01-01T00:00:00Z',
});
export const reserveLine = (fx: Fx) => ({ sku: 'EL-HDP-001', quantity: 1, warehouseId: fx.nyc });

export interface Case {
  label: string;
  input: (fx: Fx) => unknown;
  codes: AppCode[];
}

const without = (object: Record<string, unknown>, key: string) => {
  const { [key]: _dropped, ...rest } = object;
  return rest;
};

export function casesFor(spec: MutationSpec): Case[] {
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
export const RAW_BODIES: { label: string; body: string | Uint8Array; contentType?: string }[] = [
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

/** What no error answer may carry. */
export const LEAKS: [string, RegExp][] = [
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

/** A query input that must be refused with VALIDATION_FAILED. */
export interface QueryRefusal {
  /** The test's name (a procedure and what is wrong). */
  name: string;
  procedure: string;
  input: unknown;
}

const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** Cursors no page ever handed out. */
const FORGED_CURSORS: [string, string][] = [
  ['not base64 JSON', '%%%not-a-cursor%%%'],
  ['a string key', forged(['abc'])],
  ['an object key', forged([{ $gt: 0 }])],
  ['a huge number', forged([1e300])],
  ['three strings', forged(['x', 'not-a-uuid', 'not-a-uuid'])],
  ['three numbers', forged([1, 2, 3])],
  ['a date and bad uuids', forged(['not a date', 'x', 'y'])],
  ['501 characters', 'c'.repeat(501)],
];

/** `name` is the procedure, optionally followed by what else the input holds ("products.search with a query"). */
export function forgedCursorRefusals(name: string, input: (cursor: string) => unknown): QueryRefusal[] {
  const procedure = name.split(' ')[0] as string;
  return FORGED_CURSORS.map(([label, cursor]) => ({
    name: `${name} refuses a cursor that is ${label}`,
    procedure,
    input: input(cursor),
  }));
}

/** `procedure refuses <label>` for each [label, input]. */
export const refusals = (procedure: string, cases: [string, unknown][]): QueryRefusal[] =>
  cases.map(([label, input]) => ({ name: `${procedure} refuses ${label}`, procedure, input }));
