/**
 * The API over real HTTP, as outside clients see it: the tRPC wire format
 * (queries, mutations, batches, SSE subscriptions with resume), the REST routes
 * and their error bodies, idempotency keys, auth headers, rate limits, the
 * OpenAPI document, health/readiness/metrics, and the checkout client example.
 * Also the wire side of the role and bad-input tables (test/domains run them
 * through createCaller): raw bodies, REST routes, headers, limits, SSE.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { readEventsAfter, type StockroomEvent } from '@stockroom/core';
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import { decodeJwt, SignJWT } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheckoutExample } from '../examples/checkout-client.js';
import type { AppRouter } from '../src/index.js';
import {
  type AppCode,
  casesFor,
  type Fx,
  LEAKS,
  type MutationSpec,
  NF,
  RAW_BODIES,
  V,
} from './domains/kit/inputs.js';
import { databaseDigest } from './domains/kit/snapshot.js';
import { ALL_MUTATIONS } from './domains/tables.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

/** A JSON answer, read loosely: the tests assert its exact shape. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON bodies of every shape
type Json = any;

const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
const SKU = 'EL-HDP-001';

let api: TestApi;
const tokens = { admin: '', staff: '', buyer: '', seller: '' };
/** Warehouse ids by code (NYC-1, CHI-1 are the staff user's). */
const wh: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  for (const role of Object.keys(tokens) as (keyof typeof tokens)[]) {
    tokens[role] = await api.login(`${role}@example.com`);
  }
  for (const w of await api.client(tokens.admin).warehouses.list.query()) wh[w.code] = w.id;
});
afterAll(() => api?.stop());

// ------------------------------------------------------------------ helpers

interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

async function send<T = Json>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; base?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${options.base ?? api.url}${path}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

const q = (input: unknown) => encodeURIComponent(JSON.stringify(input));
const trpcQuery = (path: string, input: unknown, options: Parameters<typeof send>[2] = {}) =>
  send('GET', `/trpc/${path}${input === undefined ? '' : `?input=${q(input)}`}`, options);
const trpcMutation = (path: string, input: unknown, options: Parameters<typeof send>[2] = {}) =>
  send('POST', `/trpc/${path}`, { ...options, body: input });

/** No stack trace, file path or SQL anywhere in an error answer. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/"stack"/);
  expect(text).not.toMatch(/\.(?:ts|js|mjs|cjs):\d+:\d+/);
  expect(text).not.toMatch(/node_modules|\/src\/|select |insert into/i);
}

/** The contract's REST error body. */
function expectRestError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(answer.body)).toEqual(['error']);
  expect(answer.body.error).toMatchObject({ code, message: expect.any(String), details: expect.any(Object) });
  expect(answer.body.error.message.length).toBeGreaterThan(0);
  expectNoInternals(answer.text);
}

/** The contract's tRPC error envelope. */
function expectTrpcError(envelope: Json, appCode: string, httpStatus: number) {
  expect(Object.keys(envelope)).toEqual(['error']);
  expect(envelope.error).toEqual({
    message: expect.any(String),
    code: expect.any(Number),
    data: expect.objectContaining({
      code: expect.any(String),
      httpStatus,
      appCode,
      details: expect.any(Object),
      requestId: expect.any(String),
    }),
  });
  expect(envelope.error.data.stack).toBeUndefined();
  expect(envelope.error.stack).toBeUndefined();
}

const STOCK_LEVEL_KEYS = [
  'available',
  'onHand',
  'reserved',
  'safetyStock',
  'sku',
  'updatedAt',
  'version',
  'warehouseId',
].sort();

async function level(warehouseId: string, sku = SKU) {
  return api.client(tokens.admin).inventory.get.query({ warehouseId, sku });
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition') {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ tRPC wire format

describe('tRPC wire format (plain HTTP + JSON, no transformer)', () => {
  it('answers a GET query with {result:{data}}', async () => {
    const res = await trpcQuery('products.get', { sku: SKU });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body)).toEqual(['result']);
    expect(Object.keys(res.body.result)).toEqual(['data']);
    const product = res.body.result.data;
    expect(product).toMatchObject({ sku: SKU, currency: 'USD', priceMinor: expect.any(Number) });
    expect(product.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(product.stock.perWarehouse).toHaveLength(5);
    for (const l of product.stock.perWarehouse) expect(Object.keys(l).sort()).toEqual(STOCK_LEVEL_KEYS);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers a failing query with the error envelope, appCode and details, no stack', async () => {
    const res = await trpcQuery('products.get', { sku: 'NO-SUCH-SKU' });
    expect(res.status).toBe(404);
    expectTrpcError(res.body, 'NOT_FOUND', 404);
    expect(res.body.error.code).toBe(-32004);
    expect(res.body.error.data).toMatchObject({
      code: 'NOT_FOUND',
      path: 'products.get',
      details: { sku: 'NO-SUCH-SKU' },
      requestId: res.headers.get('x-request-id'),
    });
    expectNoInternals(res.text);

    const invalid = await trpcQuery('products.get', { sku: 'bad sku!' });
    expect(invalid.status).toBe(400);
    expectTrpcError(invalid.body, 'VALIDATION_FAILED', 400);
    expect(invalid.body.error.data.details.issues[0]).toMatchObject({ path: 'sku' });

    const unknown = await trpcQuery('products.nope', { sku: SKU });
    expect(unknown.status).toBe(404);
    expectTrpcError(unknown.body, 'NOT_FOUND', 404);

    const badJson = await send('POST', '/trpc/inventory.receive', { token: tokens.staff, body: '{"oops' });
    expect(badJson.status).toBe(400);
    expectTrpcError(badJson.body, 'VALIDATION_FAILED', 400);
    expectNoInternals(badJson.text);
  });

  it('answers a POST mutation with {result:{data}} and its errors with the envelope', async () => {
    const before = await level(wh['NYC-1'] as string);
    const res = await trpcMutation(
      'inventory.receive',
      { warehouseId: wh['NYC-1'], sku: SKU, quantity: 3, reason: 'wire test' },
      { token: tokens.staff },
    );
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['result']);
    expect(Object.keys(res.body.result.data).sort()).toEqual(STOCK_LEVEL_KEYS);
    expect(res.body.result.data).toMatchObject({
      warehouseId: wh['NYC-1'],
      sku: SKU,
      onHand: before.onHand + 3,
      version: before.version + 1,
    });

    const short = await trpcMutation(
      'reservations.create',
      { lines: [{ sku: SKU, quantity: 999_999, warehouseId: wh['NYC-1'] }] },
      { token: SERVICE_TOKEN },
    );
    expect(short.status).toBe(409);
    expectTrpcError(short.body, 'INSUFFICIENT_STOCK', 409);
    expect(short.body.error.data.code).toBe('CONFLICT');
    expect(short.body.error.data.details.shortages).toEqual([
      { sku: SKU, warehouseId: wh['NYC-1'], requested: 999_999, available: expect.any(Number) },
    ]);

    // Queries are GET only, mutations POST only (the appCode's status, 400, wins over 405).
    const wrongMethod = await send('GET', `/trpc/inventory.receive?input=${q({})}`, { token: tokens.staff });
    expect(wrongMethod.status).toBe(400);
    expect(wrongMethod.body.error.data.code).toBe('METHOD_NOT_SUPPORTED');
    expectTrpcError(wrongMethod.body, 'VALIDATION_FAILED', 400);
  });

  it('answers a batch with one envelope per call, a failing call among them (207)', async () => {
    const res = await send(
      'GET',
      `/trpc/products.get,products.get,health?batch=1&input=${q({ 0: { sku: SKU }, 1: { sku: 'NOPE-1' } })}`,
    );
    expect(res.status).toBe(207);
    expect(res.body).toHaveLength(3);
    expect(res.body[0].result.data.sku).toBe(SKU);
    expectTrpcError(res.body[1], 'NOT_FOUND', 404);
    expect(res.body[1].error.data.path).toBe('products.get');
    expect(res.body[2].result.data).toMatchObject({ status: 'ok', database: 'ok' });

    // A mutation batch: each call stands alone — the valid one applies, the invalid one fails.
    const before = await level(wh['CHI-1'] as string);
    const batch = await send('POST', '/trpc/inventory.receive,inventory.receive?batch=1', {
      token: tokens.staff,
      body: {
        0: { warehouseId: wh['CHI-1'], sku: SKU, quantity: 2 },
        1: { warehouseId: wh['CHI-1'], sku: SKU, quantity: -5 },
      },
    });
    expect(batch.status).toBe(207);
    expect(batch.body[0].result.data.onHand).toBe(before.onHand + 2);
    expectTrpcError(batch.body[1], 'VALIDATION_FAILED', 400);
    expect((await level(wh['CHI-1'] as string)).onHand).toBe(before.onHand + 2);

    // All good: 200.
    const ok = await send('GET', `/trpc/products.get,health?batch=1&input=${q({ 0: { sku: SKU } })}`);
    expect(ok.status).toBe(200);
  });
});

// ------------------------------------------------------------------ subscriptions

type Tracked = { id: string; data: StockroomEvent };

function subscriptionClient(auth: { params?: string; header?: string }) {
  const url = `${api.url}/trpc`;
  const subscriptions: TRPCLink<AppRouter> = httpSubscriptionLink({
    url,
    EventSource,
    ...(auth.params ? { connectionParams: { token: auth.params } } : {}),
    ...(auth.header
      ? {
          // Node's EventSource (the `eventsource` package) can send headers through its fetch.
          eventSourceOptions: {
            fetch: ((input, init) =>
              fetch(input, {
                ...init,
                headers: { ...init.headers, authorization: `Bearer ${auth.header}` },
              })) satisfies FetchLike,
          },
        }
      : {}),
  });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: subscriptions,
        false: httpLink({ url }),
      }),
    ],
  });
}

function subscribe(
  client: ReturnType<typeof subscriptionClient>,
  input: { types?: string[]; lastEventId?: string | null },
) {
  const received: Tracked[] = [];
  const errors: unknown[] = [];
  let started = false;
  const sub = client.events.onEvent.subscribe(input, {
    onStarted: () => {
      started = true;
    },
    onData: (event) => received.push(event as Tracked),
    onError: (error) => errors.push(error),
  });
  return {
    received,
    errors,
    get started() {
      return started;
    },
    stop: () => sub.unsubscribe(),
  };
}

/** Positions are `txid.id`; order them as the server does. */
function comparePositions(a: string, b: string): number {
  const [at, ai] = a.split('.').map(BigInt) as [bigint, bigint];
  const [bt, bi] = b.split('.').map(BigInt) as [bigint, bigint];
  return at === bt ? Number(ai - bi) : at < bt ? -1 : 1;
}

type StockChange = { id: string; data: StockroomEvent<'stock.changed'> };
const forLevel =
  (warehouseId: string, sku: string) =>
  (e: Tracked): e is StockChange =>
    e.data.type === 'stock.changed' &&
    e.data.payload.warehouseId === warehouseId &&
    e.data.payload.sku === sku;

/**
 * Receive one unit at a time until the subscriber sees one of them (a live
 * subscription starts "from now" on the server, a moment after onStarted).
 */
async function receiveUntilSeen(sub: ReturnType<typeof subscribe>, warehouseId: string, sku: string) {
  const staff = api.client(tokens.staff);
  await waitFor(() => sub.started, 10_000, 'subscription start');
  for (let attempt = 0; attempt < 20; attempt++) {
    const after = await staff.inventory.receive.mutate({ warehouseId, sku, quantity: 1, reason: 'sse test' });
    try {
      await waitFor(
        () =>
          sub.received.some((e) => forLevel(warehouseId, sku)(e) && e.data.payload.version === after.version),
        1500,
      );
      return after;
    } catch {
      // not yet subscribed when that one committed: try again
    }
  }
  throw new Error(`no stock.changed event arrived; errors: ${sub.errors.map(String).join('; ')}`);
}

describe('events.onEvent over SSE', () => {
  it('delivers stock.changed live to a staff subscriber (token as a connection param)', async () => {
    const sub = subscribe(subscriptionClient({ params: tokens.staff }), { types: ['stock.changed'] });
    try {
      const after = await receiveUntilSeen(sub, wh['NYC-1'] as string, 'KT-PAN-001');
      const event = sub.received.find(
        (e) => e.data.type === 'stock.changed' && e.data.payload.version === after.version,
      ) as Tracked;
      expect(event.id).toBe(event.data.position);
      expect(event.data).toMatchObject({
        type: 'stock.changed',
        aggregateType: 'stock_level',
        aggregateId: `${wh['NYC-1']}:KT-PAN-001`,
        payload: { sku: 'KT-PAN-001', kind: 'receive', onHandDelta: 1, onHand: after.onHand },
      });
      expect(sub.errors).toEqual([]);
      expect(sub.received.every((e) => e.data.type === 'stock.changed')).toBe(true);
    } finally {
      sub.stop();
    }
  });

  it('accepts the token in the Authorization header too, and refuses anonymous and buyers', async () => {
    const sub = subscribe(subscriptionClient({ header: tokens.admin }), { types: ['stock.changed'] });
    try {
      await receiveUntilSeen(sub, wh['CHI-1'] as string, 'KT-PAN-001');
    } finally {
      sub.stop();
    }

    for (const [auth, code] of [
      [{}, 'UNAUTHORIZED'],
      [{ params: 'not-a-token' }, 'UNAUTHORIZED'],
      [{ params: tokens.buyer }, 'FORBIDDEN'],
    ] as const) {
      const denied = subscribe(subscriptionClient(auth), {});
      try {
        await waitFor(() => denied.errors.length > 0, 10_000, `a ${code} error`);
        const error = denied.errors[0] as TRPCClientError<AppRouter>;
        expect(error).toBeInstanceOf(TRPCClientError);
        expect(error.data?.code).toBe(code);
        expect(denied.received).toEqual([]);
      } finally {
        denied.stop();
      }
    }
  });

  it('resumes after lastEventId with every event since, in order, no gaps, no duplicates', async () => {
    const warehouseId = wh['NYC-1'] as string;
    const other = wh['CHI-1'] as string;
    const sku = 'OD-LMP-001';
    const first = subscribe(subscriptionClient({ params: tokens.staff }), { types: ['stock.changed'] });
    let resumeFrom: Tracked;
    let startVersion: number;
    try {
      const seen = await receiveUntilSeen(first, warehouseId, sku);
      resumeFrom = first.received.find(
        (e) => forLevel(warehouseId, sku)(e) && e.data.payload.version === seen.version,
      ) as Tracked;
      startVersion = seen.version;
    } finally {
      first.stop();
    }

    // While disconnected: changes on two levels, many of them concurrent (so
    // transactions commit in a different order from the one they began in).
    const staff = api.client(tokens.staff);
    const changes = 12;
    await Promise.all(
      Array.from({ length: changes }, (_, i) =>
        staff.inventory.receive.mutate({
          warehouseId: i % 2 === 0 ? warehouseId : other,
          sku,
          quantity: 1 + i,
          reason: `while away ${i}`,
        }),
      ),
    );
    // Events become readable once no older transaction anywhere on the server is still
    // open (other test files share it): wait for all of them rather than read once.
    let expected = await readEventsAfter(api.services.db, resumeFrom.id, { types: ['stock.changed'] });
    for (let tries = 0; expected.length < changes && tries < 100; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      expected = await readEventsAfter(api.services.db, resumeFrom.id, { types: ['stock.changed'] });
    }
    expect(expected.length).toBeGreaterThanOrEqual(changes);

    const second = subscribe(subscriptionClient({ params: tokens.staff }), {
      types: ['stock.changed'],
      lastEventId: resumeFrom.id,
    });
    try {
      await waitFor(() => second.received.length >= expected.length, 10_000, 'the missed events');
      // One more live change after catching up arrives too, exactly once.
      const live = await staff.inventory.receive.mutate({ warehouseId, sku, quantity: 1, reason: 'live' });
      await waitFor(
        () =>
          second.received.some(
            (e) => forLevel(warehouseId, sku)(e) && e.data.payload.version === live.version,
          ),
        10_000,
        'the live event',
      );
      await sleep(1500); // room for any duplicate to show up
      const ids = second.received.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).not.toContain(resumeFrom.id);
      expect([...ids].sort(comparePositions)).toEqual(ids);
      expect(ids.every((id) => comparePositions(id, resumeFrom.id) > 0)).toBe(true);
      expect(ids.slice(0, expected.length)).toEqual(expected.map((e) => e.position));
      // The level's versions run on without a hole from the one we resumed at.
      const versions = second.received
        .filter(forLevel(warehouseId, sku))
        .map((e) => e.data.payload.version)
        .sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: changes / 2 + 1 }, (_, i) => startVersion + 1 + i));
      expect(second.errors).toEqual([]);
    } finally {
      second.stop();
    }
  });

  it('rejects a malformed lastEventId instead of replaying the whole history', async () => {
    const sub = subscribe(subscriptionClient({ params: tokens.staff }), { lastEventId: 'garbage' });
    try {
      await waitFor(() => sub.errors.length > 0 || sub.received.length > 0, 10_000, 'an answer');
      expect(sub.received).toEqual([]);
      expect((sub.errors[0] as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
    } finally {
      sub.stop();
    }
  });
});

// ------------------------------------------------------------------ REST

describe('REST /api/v1', () => {
  it('GET /health and product search and lookup', async () => {
    const health = await send('GET', '/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', now: expect.any(String), database: 'ok' });

    const search = await send('GET', `/api/v1/products?query=${encodeURIComponent('headphones')}&limit=5`);
    expect(search.status).toBe(200);
    expect(search.body).toEqual({ items: expect.any(Array), nextCursor: null });
    expect(search.body.items[0]).toMatchObject({ sku: SKU, available: expect.any(Number) });

    const page = await send('GET', '/api/v1/products?limit=2');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await send(
      'GET',
      `/api/v1/products?limit=2&cursor=${encodeURIComponent(page.body.nextCursor)}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0].sku).not.toBe(page.body.items[0].sku);

    expectRestError(await send('GET', '/api/v1/products?limit=500'), 400, 'VALIDATION_FAILED');

    const product = await send('GET', `/api/v1/products/${SKU}`);
    expect(product.status).toBe(200);
    expect(product.body).toMatchObject({ sku: SKU, stock: { total: { onHand: expect.any(Number) } } });

    const missing = await send('GET', '/api/v1/products/NO-SUCH-1');
    expectRestError(missing, 404, 'NOT_FOUND');
    expect(missing.body.error.details).toEqual({ sku: 'NO-SUCH-1' });

    expectRestError(await send('GET', '/api/v1/no-such-route'), 404, 'NOT_FOUND');
  });

  it('holds over REST: GET /reservations lists them, staff release one with a reason', async () => {
    const held = await send('POST', '/api/v1/reservations', {
      token: tokens.buyer,
      body: { lines: [{ sku: SKU, quantity: 1, warehouseId: wh['NYC-1'] }], reference: 'rest-holds' },
    });
    expect(held.status).toBe(200);
    const listed = await send(
      'GET',
      `/api/v1/reservations?status=pending&reference=rest-holds&warehouseId=${wh['NYC-1']}&limit=5`,
      { token: tokens.staff },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: Json) => r.id)).toEqual([held.body.id]);
    expect(listed.body.items[0].owner).toMatchObject({ kind: 'user', email: 'buyer@example.com' });
    expectRestError(
      await send('GET', '/api/v1/reservations?status=stuck', { token: tokens.staff }),
      400,
      'VALIDATION_FAILED',
    );
    expectRestError(await send('GET', '/api/v1/reservations', { token: tokens.buyer }), 403, 'FORBIDDEN');
    const released = await send('POST', `/api/v1/reservations/${held.body.id}/release`, {
      token: tokens.staff,
      body: { reason: 'rest: stuck hold' },
    });
    expect(released.status).toBe(200);
    expect(released.body.status).toBe('released');
    const ledger = await api.services.db
      .selectFrom('stockMovements')
      .select(['kind', 'reason'])
      .where('reference', '=', held.body.id)
      .where('kind', '=', 'release')
      .execute();
    expect(ledger).toEqual([{ kind: 'release', reason: 'rest: stuck hold' }]);
  });

  it('service tokens: create, list (no secret), rotate, revoke; admin only', async () => {
    const made = await send('POST', '/api/v1/service-tokens', {
      token: tokens.admin,
      body: { name: 'rest-store', scopes: ['stock:read'], warehouseIds: [wh['NYC-1']] },
    });
    expect(made.status).toBe(200);
    expect(made.body.token).toMatch(/^sr_live_/);
    const stockPath = `/api/v1/stock/${wh['NYC-1']}/EL-HDP-001`;
    expect((await send('GET', stockPath, { token: made.body.token })).status).toBe(200);
    expectRestError(
      await send('POST', `${stockPath}/receive`, { token: made.body.token, body: { quantity: 1 } }),
      403,
      'FORBIDDEN',
    );

    const listed = await send('GET', '/api/v1/service-tokens?limit=100', { token: tokens.admin });
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(made.body.token);
    expect(listed.body.items.find((t: Json) => t.id === made.body.id)).toMatchObject({
      prefix: made.body.token.slice(0, 12),
      lastUsedAt: expect.any(String),
    });
    expectRestError(await send('GET', '/api/v1/service-tokens', { token: tokens.staff }), 403, 'FORBIDDEN');
    expectRestError(
      await send('POST', '/api/v1/service-tokens', {
        token: made.body.token,
        body: { name: 'x', scopes: ['orders'] },
      }),
      403,
      'FORBIDDEN',
    );

    const rotated = await send('POST', `/api/v1/service-tokens/${made.body.id}/rotate`, {
      token: tokens.admin,
      body: { graceSeconds: 0 },
    });
    expect(rotated.status).toBe(200);
    expect((await send('GET', stockPath, { token: rotated.body.token })).status).toBe(200);
    const revoked = await send('POST', `/api/v1/service-tokens/${made.body.id}/revoke`, {
      token: tokens.admin,
    });
    expect(revoked.body).toMatchObject({ status: 'revoked' });
  });

  it('GET and PUT /stock/{warehouseId}/{sku}, with 401, 403, 404 and VERSION_MISMATCH', async () => {
    const path = `/api/v1/stock/${wh['CHI-1']}/KT-KNF-001`;
    const got = await send('GET', path, { token: tokens.staff });
    expect(got.status).toBe(200);
    expect(Object.keys(got.body).sort()).toEqual(STOCK_LEVEL_KEYS);

    expectRestError(await send('GET', path), 401, 'UNAUTHENTICATED');
    expectRestError(await send('GET', path, { token: tokens.buyer }), 403, 'FORBIDDEN');
    // A service token reads stock with the `stock:read` scope (the demo token has every scope).
    expect((await send('GET', path, { token: SERVICE_TOKEN })).status).toBe(200);
    expectRestError(
      await send('GET', `/api/v1/stock/${wh['CHI-1']}/NO-SUCH-1`, { token: tokens.staff }),
      404,
      'NOT_FOUND',
    );
    expectRestError(
      await send('GET', '/api/v1/stock/not-a-uuid/X', { token: tokens.staff }),
      400,
      'VALIDATION_FAILED',
    );

    const set = await send('PUT', path, {
      token: tokens.staff,
      body: { onHand: 50, expectedVersion: got.body.version, reason: 'cycle count' },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ onHand: 50, version: got.body.version + 1 });

    const stale = await send('PUT', path, {
      token: tokens.staff,
      body: { onHand: 10, expectedVersion: got.body.version, reason: 'stale count' },
    });
    expectRestError(stale, 409, 'VERSION_MISMATCH');
    expect(stale.body.error.details).toMatchObject({
      currentVersion: got.body.version + 1,
      current: { onHand: 50, version: got.body.version + 1 },
    });
    expect((await send('GET', path, { token: tokens.staff })).body.onHand).toBe(50);

    // Staff may change stock only in their own warehouses.
    expectRestError(
      await send('PUT', `/api/v1/stock/${wh['DFW-1']}/KT-KNF-001`, {
        token: tokens.staff,
        body: { onHand: 1 },
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('POST /stock/{warehouseId}/{sku}/adjust and /receive', async () => {
    const path = `/api/v1/stock/${wh['NYC-1']}/KT-GRN-001`;
    const current = (await send('GET', path, { token: tokens.admin })).body;
    const adjusted = await send('POST', `${path}/adjust`, {
      token: tokens.staff,
      body: { delta: -1, expectedVersion: current.version, reason: 'damaged' },
    });
    expect(adjusted.status, adjusted.text).toBe(200);
    expect(adjusted.body).toMatchObject({ onHand: current.onHand - 1, version: current.version + 1 });

    const conflict = await send('POST', `${path}/adjust`, {
      token: tokens.staff,
      body: { delta: -1, expectedVersion: current.version, reason: 'damaged again' },
    });
    expectRestError(conflict, 409, 'VERSION_MISMATCH');
    expect(conflict.body.error.details.currentVersion).toBe(current.version + 1);

    const tooMuch = await send('POST', `${path}/adjust`, {
      token: tokens.staff,
      body: { delta: -1_000_000, expectedVersion: current.version + 1, reason: 'below zero' },
    });
    expect(tooMuch.status).toBeGreaterThanOrEqual(400);
    expect(tooMuch.status).toBeLessThan(500);
    expect((await send('GET', path, { token: tokens.staff })).body.onHand).toBe(current.onHand - 1);

    const missingReason = await send('POST', `${path}/adjust`, {
      token: tokens.staff,
      body: { delta: 1, expectedVersion: current.version + 1 },
    });
    expectRestError(missingReason, 400, 'VALIDATION_FAILED');

    const received = await send('POST', `${path}/receive`, { token: tokens.staff, body: { quantity: 4 } });
    expect(received.status).toBe(200);
    expect(received.body.onHand).toBe(current.onHand + 3);

    expectRestError(
      await send('POST', `${path}/receive`, { token: tokens.staff, body: '{"quantity": 4' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('POST /stock/sync applies fresh counts and reports stale ones', async () => {
    const nyc = wh['NYC-1'] as string;
    const before = await level(nyc, 'HM-LMP-001');
    const res = await send('POST', '/api/v1/stock/sync', {
      token: SERVICE_TOKEN,
      body: {
        items: [
          {
            warehouseId: nyc,
            sku: 'HM-LMP-001',
            onHand: before.onHand + 7,
            countedAt: new Date().toISOString(),
          },
          { warehouseId: nyc, sku: 'HM-PLW-001', onHand: 5, countedAt: '2000-01-01T00:00:00Z' },
        ],
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.changed).toEqual([
      expect.objectContaining({ sku: 'HM-LMP-001', onHand: before.onHand + 7 }),
    ]);
    expect(res.body.stale).toEqual([{ warehouseId: nyc, sku: 'HM-PLW-001' }]);
    expect(res.body.unchanged).toBe(0);

    expectRestError(
      await send('POST', '/api/v1/stock/sync', { token: SERVICE_TOKEN, body: { items: [] } }),
      400,
      'VALIDATION_FAILED',
    );
    expectRestError(
      await send('POST', '/api/v1/stock/sync', { token: tokens.buyer, body: { items: [] } }),
      403,
      'FORBIDDEN',
    );
  });

  it('reservations: create, get, confirm, release, INSUFFICIENT_STOCK, INVALID_TRANSITION, 404, 403', async () => {
    const dfw = wh['DFW-1'] as string;
    const before = await level(dfw, 'OF-PEN-001');
    const created = await send('POST', '/api/v1/reservations', {
      token: SERVICE_TOKEN,
      body: {
        lines: [
          { sku: 'OF-PEN-001', quantity: 1, warehouseId: dfw },
          { sku: 'OF-NTB-001', quantity: 1 },
        ],
        shipTo: { latitude: 32.7767, longitude: -96.797 },
        reference: 'rest-cart-1',
      },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ status: 'pending', reference: 'rest-cart-1' });
    expect(created.body.lines).toHaveLength(2);
    const id = created.body.id as string;
    expect((await level(dfw, 'OF-PEN-001')).reserved).toBe(before.reserved + 1);

    const got = await send('GET', `/api/v1/reservations/${id}`, { token: SERVICE_TOKEN });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const confirmed = await send('POST', `/api/v1/reservations/${id}/confirm`, { token: SERVICE_TOKEN });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    const after = await level(dfw, 'OF-PEN-001');
    expect(after).toMatchObject({ onHand: before.onHand - 1, reserved: before.reserved });

    const again = await send('POST', `/api/v1/reservations/${id}/confirm`, { token: SERVICE_TOKEN });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('confirmed');

    const illegal = await send('POST', `/api/v1/reservations/${id}/release`, { token: SERVICE_TOKEN });
    expectRestError(illegal, 409, 'INVALID_TRANSITION');
    expect(illegal.body.error.details).toMatchObject({ from: 'confirmed', to: 'released' });

    const short = await send('POST', '/api/v1/reservations', {
      token: SERVICE_TOKEN,
      body: { lines: [{ sku: 'OF-PEN-001', quantity: 999_999 }] },
    });
    expectRestError(short, 409, 'INSUFFICIENT_STOCK');
    expect(short.body.error.details.shortages[0]).toMatchObject({ sku: 'OF-PEN-001', requested: 999_999 });

    const nobody = '00000000-0000-4000-8000-000000000000';
    expectRestError(
      await send('GET', `/api/v1/reservations/${nobody}`, { token: SERVICE_TOKEN }),
      404,
      'NOT_FOUND',
    );
    expectRestError(
      await send('POST', `/api/v1/reservations/${nobody}/confirm`, { token: SERVICE_TOKEN }),
      404,
      'NOT_FOUND',
    );
    expectRestError(await send('GET', `/api/v1/reservations/${id}`), 401, 'UNAUTHENTICATED');
    expectRestError(
      await send('GET', `/api/v1/reservations/${id}`, { token: tokens.seller }),
      403,
      'FORBIDDEN',
    );
    expectRestError(
      await send('POST', '/api/v1/reservations', {
        token: tokens.staff,
        body: { lines: [{ sku: SKU, quantity: 1 }] },
      }),
      403,
      'FORBIDDEN',
    );

    // A buyer's hold is theirs: another buyer may not read or release it.
    const mine = await send('POST', '/api/v1/reservations', {
      token: tokens.buyer,
      body: { lines: [{ sku: 'OF-PEN-001', quantity: 1, warehouseId: dfw }] },
    });
    expect(mine.status).toBe(200);
    const strangerEmail = `stranger-${Date.now()}@example.com`;
    await api.client().auth.register.mutate({
      email: strangerEmail,
      password: 'correct horse battery staple',
      name: 'Stranger',
    });
    const stranger = await api.login(strangerEmail, 'correct horse battery staple');
    expectRestError(
      await send('GET', `/api/v1/reservations/${mine.body.id}`, { token: stranger }),
      403,
      'FORBIDDEN',
    );
    expectRestError(
      await send('POST', `/api/v1/reservations/${mine.body.id}/release`, { token: stranger }),
      403,
      'FORBIDDEN',
    );
    const released = await send('POST', `/api/v1/reservations/${mine.body.id}/release`, {
      token: tokens.buyer,
    });
    expect(released.status).toBe(200);
    expect(released.body.status).toBe('released');
    expect((await level(dfw, 'OF-PEN-001')).reserved).toBe(before.reserved);
  });

  it('confirming an expired hold answers 412 RESERVATION_EXPIRED and frees the stock', async () => {
    const sea = wh['SEA-1'] as string;
    const before = await level(sea, 'SP-RPE-001');
    const created = await send('POST', '/api/v1/reservations', {
      token: SERVICE_TOKEN,
      body: { lines: [{ sku: 'SP-RPE-001', quantity: 1, warehouseId: sea }], ttlSeconds: 1 },
    });
    expect(created.status, created.text).toBe(200);
    await sleep(1300);
    const late = await send('POST', `/api/v1/reservations/${created.body.id}/confirm`, {
      token: SERVICE_TOKEN,
    });
    expectRestError(late, 412, 'RESERVATION_EXPIRED');
    const got = await send('GET', `/api/v1/reservations/${created.body.id}`, { token: SERVICE_TOKEN });
    expect(got.body.status).toBe('expired');
    expect(await level(sea, 'SP-RPE-001')).toMatchObject({
      onHand: before.onHand,
      reserved: before.reserved,
    });
  });

  it('answers malformed and oversized bodies in the error shape', async () => {
    const bad = await send('POST', '/api/v1/reservations', { token: SERVICE_TOKEN, body: '{"lines": [' });
    expectRestError(bad, 400, 'VALIDATION_FAILED');
    const notANumber = await send('POST', '/api/v1/reservations', {
      token: SERVICE_TOKEN,
      body: { lines: [{ sku: SKU, quantity: 'two' }] },
    });
    expectRestError(notANumber, 400, 'VALIDATION_FAILED');
    const unknownField = await send('POST', '/api/v1/reservations', {
      token: SERVICE_TOKEN,
      body: { lines: [{ sku: SKU, quantity: 1 }], price: 0 },
    });
    expectRestError(unknownField, 400, 'VALIDATION_FAILED');
    // No body at all, or an empty JSON body, on a route whose input is all optional: fine.
    const held = await send('POST', '/api/v1/reservations', {
      token: SERVICE_TOKEN,
      body: { lines: [{ sku: SKU, quantity: 1, warehouseId: wh['LAX-1'] }] },
    });
    const emptyJson = await send('POST', `/api/v1/reservations/${held.body.id}/release`, {
      token: SERVICE_TOKEN,
      headers: { 'content-type': 'application/json' },
    });
    expect(emptyJson.status, emptyJson.text).toBe(200);
    expect(emptyJson.body.status).toBe('released');
    const wrongType = await send('POST', `/api/v1/reservations/${held.body.id}/release`, {
      token: SERVICE_TOKEN,
      headers: { 'content-type': 'text/plain' },
      body: 'release please',
    });
    expectRestError(wrongType, 415, 'VALIDATION_FAILED');

    const huge = await send('POST', '/api/v1/stock/sync', {
      token: SERVICE_TOKEN,
      body: JSON.stringify({ items: [], pad: 'x'.repeat(1_100_000) }),
    });
    expectRestError(huge, 413, 'VALIDATION_FAILED');

    const hugeTrpc = await send('POST', '/trpc/inventory.sync', {
      token: SERVICE_TOKEN,
      body: JSON.stringify({ items: [], pad: 'x'.repeat(1_100_000) }),
    });
    expect(hugeTrpc.status).toBe(413);
    expectTrpcError(hugeTrpc.body, 'VALIDATION_FAILED', 413);
    expect(hugeTrpc.body.error.data.code).toBe('PAYLOAD_TOO_LARGE');
    expectNoInternals(hugeTrpc.text);
  });
});

// ------------------------------------------------------------------ idempotency

describe('Idempotency-Key', () => {
  it('REST: same key twice → same body, one effect; other body → 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const nyc = wh['NYC-1'] as string;
    const path = `/api/v1/stock/${nyc}/TY-BLK-001/receive`;
    const before = await level(nyc, 'TY-BLK-001');
    const headers = { 'idempotency-key': `rest-receive-${Date.now()}` };
    const first = await send('POST', path, { token: tokens.staff, headers, body: { quantity: 5 } });
    const second = await send('POST', path, { token: tokens.staff, headers, body: { quantity: 5 } });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect((await level(nyc, 'TY-BLK-001')).onHand).toBe(before.onHand + 5);

    const reused = await send('POST', path, { token: tokens.staff, headers, body: { quantity: 6 } });
    expectRestError(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await level(nyc, 'TY-BLK-001')).onHand).toBe(before.onHand + 5);

    // Concurrent retries with one key: still one effect.
    const concurrentKey = { 'idempotency-key': `rest-concurrent-${Date.now()}` };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        send('POST', path, { token: tokens.staff, headers: concurrentKey, body: { quantity: 2 } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect((await level(nyc, 'TY-BLK-001')).onHand).toBe(before.onHand + 7);

    // Reservations: a retried create holds once.
    const reserveKey = { 'idempotency-key': `rest-reserve-${Date.now()}` };
    const lines = [{ sku: 'TY-BLK-001', quantity: 1, warehouseId: nyc }];
    const r1 = await send('POST', '/api/v1/reservations', {
      token: SERVICE_TOKEN,
      headers: reserveKey,
      body: { lines },
    });
    const r2 = await send('POST', '/api/v1/reservations', {
      token: SERVICE_TOKEN,
      headers: reserveKey,
      body: { lines },
    });
    expect(r2.body.id).toBe(r1.body.id);
    expect((await level(nyc, 'TY-BLK-001')).reserved).toBe(before.reserved + 1);

    expectRestError(
      await send('POST', path, {
        token: tokens.staff,
        headers: { 'idempotency-key': 'has space' },
        body: { quantity: 1 },
      }),
      400,
      'VALIDATION_FAILED',
    );
    // A key with spaces around it in the body is refused too (it was stored untrimmed,
    // so "  pad  " and "pad" applied twice), and moves nothing.
    const padded = await level(nyc, 'TY-BLK-001');
    expectRestError(
      await send('POST', path, { token: tokens.staff, body: { quantity: 1, idempotencyKey: '  pad  ' } }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await level(nyc, 'TY-BLK-001')).toEqual(padded);
  });

  it('tRPC: header and input field; the field wins inside a batch', async () => {
    const chi = wh['CHI-1'] as string;
    const sku = 'TY-PZL-001';
    const before = await level(chi, sku);
    const key = `trpc-receive-${Date.now()}`;
    const input = { warehouseId: chi, sku, quantity: 3 };
    const a = await trpcMutation('inventory.receive', input, {
      token: tokens.staff,
      headers: { 'idempotency-key': key },
    });
    const b = await trpcMutation('inventory.receive', input, {
      token: tokens.staff,
      headers: { 'idempotency-key': key },
    });
    expect(b.body).toEqual(a.body);
    expect((await level(chi, sku)).onHand).toBe(before.onHand + 3);
    const reused = await trpcMutation(
      'inventory.receive',
      { ...input, quantity: 4 },
      { token: tokens.staff, headers: { 'idempotency-key': key } },
    );
    expect(reused.status).toBe(422);
    expectTrpcError(reused.body, 'IDEMPOTENCY_KEY_REUSED', 422);

    // The typed client with the input field.
    const staff = api.client(tokens.staff);
    const fieldKey = `trpc-field-${Date.now()}`;
    const c = await staff.inventory.receive.mutate({ ...input, quantity: 1, idempotencyKey: fieldKey });
    const d = await staff.inventory.receive.mutate({ ...input, quantity: 1, idempotencyKey: fieldKey });
    expect(d).toEqual(c);
    expect((await level(chi, sku)).onHand).toBe(before.onHand + 4);

    // A batch under one header: each call's own field key decides.
    const batchHeader = { 'idempotency-key': `batch-header-${Date.now()}` };
    const k1 = `batch-1-${Date.now()}`;
    const k2 = `batch-2-${Date.now()}`;
    const body = {
      0: { ...input, quantity: 10, idempotencyKey: k1 },
      1: { ...input, quantity: 20, idempotencyKey: k2 },
    };
    const batch = await send('POST', '/trpc/inventory.receive,inventory.receive?batch=1', {
      token: tokens.staff,
      headers: batchHeader,
      body,
    });
    expect(batch.status, batch.text).toBe(200);
    expect((await level(chi, sku)).onHand).toBe(before.onHand + 34);
    const replay = await send('POST', '/trpc/inventory.receive,inventory.receive?batch=1', {
      token: tokens.staff,
      headers: batchHeader,
      body,
    });
    expect(replay.body).toEqual(batch.body);
    expect((await level(chi, sku)).onHand).toBe(before.onHand + 34);

    // Without field keys, one header over two different calls: the second is a reuse.
    const shared = await send('POST', '/trpc/inventory.receive,inventory.receive?batch=1', {
      token: tokens.staff,
      headers: { 'idempotency-key': `batch-shared-${Date.now()}` },
      body: { 0: { ...input, quantity: 1 }, 1: { ...input, quantity: 2 } },
    });
    expect(shared.status).toBe(207);
    const outcomes = (shared.body as Json[]).map((r) => (r.result ? 'ok' : r.error.data.appCode)).sort();
    expect(outcomes).toEqual(['IDEMPOTENCY_KEY_REUSED', 'ok']);

    // Keys are per principal: another staff-capable principal's same key is its own.
    const admin = await trpcMutation('inventory.receive', input, {
      token: tokens.admin,
      headers: { 'idempotency-key': key },
    });
    expect(admin.status).toBe(200);
    expect(admin.body.result.data.version).not.toBe(a.body.result.data.version);
  });
});

// ------------------------------------------------------------------ auth headers

async function jwt(claims: Record<string, unknown>, options: { exp: number; secret?: string; iss?: string }) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject((claims.sub as string) ?? '00000000-0000-4000-8000-000000000001')
    .setIssuer(options.iss ?? 'stockroom')
    .setIssuedAt(options.exp - 3600)
    .setExpirationTime(options.exp)
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

describe('Authorization header', () => {
  it('answers 401 UNAUTHENTICATED for missing, garbled, expired, foreign and unknown tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const me = await api.client(tokens.admin).auth.me.query();
    // A token names its session; role and warehouses are read from the database.
    const { sid } = decodeJwt(tokens.admin);
    const claims = { sub: me.id, sid, role: 'admin', wh: [] };
    const valid = await jwt(claims, { exp: now + 600 });
    const cases: Record<string, Record<string, string>> = {
      missing: {},
      empty: { authorization: '' },
      'bearer without token': { authorization: 'Bearer ' },
      garbled: { authorization: 'Bearer abc.def.ghi' },
      'not a jwt at all': { authorization: 'Bearer %%%' },
      'wrong scheme': {
        authorization: `Basic ${Buffer.from('admin@example.com:stockroom').toString('base64')}`,
      },
      expired: { authorization: `Bearer ${await jwt(claims, { exp: now - 60 })}` },
      'other secret': {
        authorization: `Bearer ${await jwt(claims, { exp: now + 600, secret: 'x'.repeat(40) })}`,
      },
      'other issuer': { authorization: `Bearer ${await jwt(claims, { exp: now + 600, iss: 'evil' })}` },
      'another user’s session': {
        authorization: `Bearer ${await jwt({ ...claims, sid: decodeJwt(tokens.buyer).sid }, { exp: now + 600 })}`,
      },
      'no session': {
        authorization: `Bearer ${await jwt({ sub: me.id, role: 'admin', wh: [] }, { exp: now + 600 })}`,
      },
      'tampered payload': {
        authorization: `Bearer ${valid.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin', iss: 'stockroom', exp: now + 600 })).toString('base64url')}.${valid.split('.')[2]}`,
      },
      'unknown service token': { authorization: 'Bearer not-a-real-service-token' },
    };
    for (const [label, headers] of Object.entries(cases)) {
      const trpc = await trpcQuery('auth.me', undefined, { headers });
      expect(trpc.status, label).toBe(401);
      expectTrpcError(trpc.body, 'UNAUTHENTICATED', 401);
      expect(trpc.body.error.data.code).toBe('UNAUTHORIZED');
      const rest = await send('GET', `/api/v1/stock/${wh['NYC-1']}/${SKU}`, { headers });
      expectRestError(rest, 401, 'UNAUTHENTICATED');
    }

    // The freshly signed one with the right secret works, in any case of "bearer".
    const ok = await trpcQuery('auth.me', undefined, { headers: { authorization: `bearer ${valid}` } });
    expect(ok.status).toBe(200);
    expect(ok.body.result.data.role).toBe('admin');
    const service = await trpcQuery('auth.me', undefined, { token: SERVICE_TOKEN });
    expect(service.body.result.data.role).toBe('service');
  });
});

// ------------------------------------------------------------------ rate limits

describe('rate limits', () => {
  let limited: TestApi;
  beforeAll(async () => {
    limited = await startTestApi({ RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => limited?.stop());

  it('answers the 6th request in a minute with 429 RATE_LIMITED and Retry-After, on /trpc and /api/v1', async () => {
    const base = limited.url;
    const trpc: Answer[] = [];
    for (let i = 0; i < 6; i++) trpc.push(await trpcQuery('products.get', { sku: SKU }, { base }));
    expect(trpc.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
    const last = trpc[5] as Answer;
    expectTrpcError(last.body, 'RATE_LIMITED', 429);
    expect(last.body.error.data.code).toBe('TOO_MANY_REQUESTS');
    const wait = Number(last.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);

    // REST: the service token is its own principal with its own budget.
    const rest: Answer[] = [];
    for (let i = 0; i < 6; i++) {
      rest.push(
        await send('GET', `/api/v1/reservations/00000000-0000-4000-8000-000000000000`, {
          token: SERVICE_TOKEN,
          base,
        }),
      );
    }
    expect(rest.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 429]);
    const restLast = rest[5] as Answer;
    expectRestError(restLast, 429, 'RATE_LIMITED');
    expect(Number(restLast.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // A batch over budget carries Retry-After too.
    const batch = await send(
      'GET',
      `/trpc/products.get,products.get?batch=1&input=${q({ 0: { sku: SKU }, 1: { sku: SKU } })}`,
      {
        base,
      },
    );
    expect(batch.status).toBe(429);
    expect(batch.headers.get('retry-after')).toBeTruthy();
  });
});

// ------------------------------------------------------------------ OpenAPI, health, metrics

describe('OpenAPI document', () => {
  it('is served at /api/v1/openapi.json and is a valid OpenAPI 3 document covering the REST routes', async () => {
    const res = await send('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });

    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors, JSON.stringify(result.errors, null, 2)?.slice(0, 2000)).toBeUndefined();
    expect(result.valid).toBe(true);

    const methods = ['get', 'put', 'post', 'delete', 'patch'];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      const operations = Object.entries(item).filter(([m]) => methods.includes(m));
      expect(operations.length, path).toBeGreaterThan(0);
      for (const [method, op] of operations) {
        expect(op.operationId, `${method} ${path}`).toEqual(expect.any(String));
        expect(Object.keys(op.responses ?? {}), `${method} ${path}`).toContain('200');
        // Every {param} in the path is declared.
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect(
            (op.parameters ?? []).some((p: Json) => p.in === 'path' && p.name === name),
            `${method} ${path} declares ${name}`,
          ).toBe(true);
        }
      }
    }
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((m) => methods.includes(m))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /products',
        'GET /products/{sku}',
        'GET /stock/{warehouseId}/{sku}',
        'PUT /stock/{warehouseId}/{sku}',
        'POST /stock/{warehouseId}/{sku}/adjust',
        'POST /stock/{warehouseId}/{sku}/receive',
        'POST /stock/sync',
        'POST /reservations',
        'GET /reservations/{id}',
        'POST /reservations/{id}/confirm',
        'POST /reservations/{id}/release',
        'GET /reservations',
        'POST /service-tokens',
        'GET /service-tokens',
        'POST /service-tokens/{id}/revoke',
        'POST /service-tokens/{id}/rotate',
      ]),
    );
    // Bearer auth is described, and the public routes do not demand it.
    expect(Object.values(doc.components?.securitySchemes ?? {})).toContainEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(doc.paths['/stock/{warehouseId}/{sku}'].get.security).toEqual([{ Authorization: [] }]);

    // Errors are documented in the shape the wire carries, and writes take Idempotency-Key.
    const error = doc.components.schemas.Error;
    expect(error.properties.error.required).toEqual(['code', 'message', 'details']);
    expect(error.properties.error.properties.code.enum).toEqual(
      expect.arrayContaining([
        'INSUFFICIENT_STOCK',
        'VERSION_MISMATCH',
        'RESERVATION_EXPIRED',
        'RATE_LIMITED',
      ]),
    );
    const confirm = doc.paths['/reservations/{id}/confirm'].post;
    expect(confirm.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: false }),
    );
    expect(confirm.requestBody.required).toBe(false);
    expect(confirm.responses.default.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    const ref = confirm.responses['401'].content['application/json'].schema.$ref as string;
    const unauthorized = doc.components.schemas[ref.replace('#/components/schemas/', '')];
    expect(unauthorized.example.error.code).toBe('UNAUTHENTICATED');
    expect(doc.paths['/reservations'].post.requestBody.required).toBe(true);
    expect(doc.paths['/stock/{warehouseId}/{sku}'].get.parameters).not.toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key' }),
    );
  });
});

describe('health, readiness and metrics', () => {
  it('/health and /ready are 200 with the migrations current', async () => {
    const health = await send('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const ready = await send('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'ok', migrations: 'current' });
  });

  it('/ready is 503 when the migrations are behind', async () => {
    const last = await sql<{ name: string }>`
      select name from kysely_migration order by name desc limit 1`.execute(api.services.db);
    const name = last.rows[0]?.name as string;
    await sql`delete from kysely_migration where name = ${name}`.execute(api.services.db);
    try {
      const ready = await send('GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not_ready', migrations: 'pending' });
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
        api.services.db,
      );
    }
    expect((await send('GET', '/ready')).status).toBe(200);
  });

  it('/metrics counts the procedure calls made, by outcome', async () => {
    await trpcQuery('products.get', { sku: SKU });
    await trpcQuery('products.get', { sku: 'NO-SUCH-2' });
    await send('GET', `/api/v1/products/${SKU}`);
    const res = await send('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const line = (labels: string) =>
      res.text.split('\n').find((l) => l.startsWith(`stockroom_procedure_calls_total{${labels}}`));
    const ok = line('procedure="products.get",type="query",outcome="OK"');
    expect(ok).toBeDefined();
    expect(Number(ok?.split(' ').pop())).toBeGreaterThanOrEqual(2);
    expect(line('procedure="products.get",type="query",outcome="NOT_FOUND"')).toBeDefined();
    expect(line('procedure="inventory.receive",type="mutation",outcome="OK"')).toBeDefined();
    expect(res.text).toMatch(/^stockroom_procedure_duration_seconds_bucket\{/m);
    expect(res.text).toMatch(/^stockroom_db_pool_connections\{state="total"\} \d+/m);
  });

  it('/metrics answers while the database is stuck, leaving a gauge read that waits on a lock behind', async () => {
    await api.database.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      await sql`lock table reservations in access exclusive mode`.execute(conn);
      try {
        const res = await send('GET', '/metrics');
        expect(res.status).toBe(200);
        expect(res.text).toMatch(/^stockroom_procedure_calls_total\{/m);
        // Answered with the holds gauge's read still waiting (not after the statement timeout ended it).
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%from reservations where status%'`.execute(
          api.database.db,
        );
        expect(rows[0]?.n).toBeGreaterThan(0);
      } finally {
        await sql`rollback`.execute(conn);
      }
    });
  });
});

// ------------------------------------------------------------------ the checkout example

describe('examples/checkout-client.ts', () => {
  it('reserves a two-line cart with a ship-to and confirms it, over the typed client', async () => {
    const product = await api.client().products.get.query({ sku: SKU });
    const { reservation, outcome } = await runCheckoutExample(api.url, SERVICE_TOKEN);
    expect(outcome).toBe('confirmed');
    expect(reservation.status).toBe('confirmed');
    expect(reservation.reference).toMatch(/^cart-/);
    expect(reservation.lines.map((l) => l.sku).sort()).toEqual(['EL-HDP-001', 'KT-KTL-001']);
    // Shipped to Chicago: the nearest warehouse that has the units.
    expect(reservation.lines.every((l) => l.warehouseId === wh['CHI-1'])).toBe(true);
    const after = await api.client().products.get.query({ sku: SKU });
    expect(after.stock.total.onHand).toBe(product.stock.total.onHand - 1);
  });

  it('releases the hold when the payment fails', async () => {
    const before = await api.client().products.get.query({ sku: 'KT-KTL-001' });
    const { reservation, outcome } = await runCheckoutExample(api.url, SERVICE_TOKEN, {
      pay: async () => {
        throw new Error('card declined');
      },
    });
    expect(outcome).toBe('released');
    expect(reservation.status).toBe('released');
    const after = await api.client().products.get.query({ sku: 'KT-KTL-001' });
    expect(after.stock.total).toEqual(before.stock.total);
  });
});

// ------------------------------------------------------------------ refusals on the wire
//
// The role and bad-input tables run beside their domains through createCaller
// (test/domains). What only HTTP can show is here: raw bodies that are not the
// JSON they claim to be, the REST routes (path parameters, body rules), the
// Idempotency-Key header, batches, body and URL limits, SSE subscriptions, and
// the statuses and headers refusals become. None may be a 5xx or leak a stack,
// SQL, file paths or node_modules; the database is unchanged afterwards.

type Sender = 'admin' | 'buyer' | 'service';

async function sendAs(
  path: string,
  init: {
    method?: string;
    body?: string | Uint8Array;
    contentType?: string;
    headers?: Record<string, string>;
    as?: Sender;
  },
): Promise<Answer> {
  const as = init.as ?? 'admin';
  const headers: Record<string, string> = {
    authorization: `Bearer ${as === 'service' ? SERVICE_TOKEN : tokens[as]}`,
    ...init.headers,
  };
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const res = await fetch(`${api.url}${path}`, { method: init.method ?? 'POST', headers, body: init.body });
  const text = await res.text();
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body, headers: res.headers };
}

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

const trpcPost = (procedure: string, input: unknown, as?: Sender) =>
  sendAs(`/trpc/${procedure}`, { body: input === undefined ? undefined : JSON.stringify(input), as });

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
    // A URL carries text: non-strings, empty, huge or unencodable values are tested through createCaller.
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

/** Bodies the REST adapter cannot take apart without overflowing its stack (see the transport tests). */
const TOO_DEEP = new Set(['nested 10000 deep', 'nested objects 5000 deep']);
/** Not objects: a path-only route's adapter spreads them into nothing (`{ ...true }`), see the transport tests. */
const NOT_OBJECTS = new Set(['input null', 'input an empty array', 'input a number', 'input true']);

describe('bad input on the wire', () => {
  let fx: Fx;
  let before: Record<string, unknown>;

  beforeAll(async () => {
    const admin = api.client(tokens.admin);
    const users = await admin.users.list.query();
    const userId = (email: string) => users.find((u) => u.email === email)?.id as string;
    const reservation = await admin.reservations.create.mutate({
      lines: [{ sku: 'EL-SPK-001', quantity: 1 }],
      reference: 'bad-input fixture',
    });
    fx = {
      version: (await level(wh['NYC-1'] as string)).version,
      nyc: wh['NYC-1'] as string,
      dfw: wh['DFW-1'] as string,
      sea: wh['SEA-1'] as string,
      buyerId: userId('buyer@example.com'),
      sellerId: userId('seller@example.com'),
      reservationId: reservation.id,
      unknownId: '00000000-0000-4000-8000-000000000000',
    };
    // Every REST route once, with valid input that changes nothing, so trpc-to-openapi has done
    // whatever it does to a procedure's schemas on its first REST call before the cases run.
    for (const path of ['/api/v1/health', '/api/v1/products?limit=1', `/api/v1/stock/${fx.nyc}/EL-HDP-001`]) {
      expect((await sendAs(path, { method: 'GET' })).status).toBe(200);
    }
    const nowhere = `/api/v1/stock/${fx.unknownId}/EL-HDP-001`;
    for (const [method, path, body] of [
      ['POST', `${nowhere}/receive`, { quantity: 1 }],
      ['POST', `${nowhere}/adjust`, { delta: 1, expectedVersion: 1, reason: 'warm-up' }],
      ['PUT', nowhere, { onHand: 1 }],
      [
        'POST',
        '/api/v1/stock/sync',
        { items: [{ warehouseId: fx.unknownId, sku: 'EL-HDP-001', onHand: 1 }] },
      ],
      ['POST', '/api/v1/reservations', { lines: [{ sku: 'ZZ-NONE-001', quantity: 1 }] }],
      ['POST', `/api/v1/reservations/${fx.unknownId}/confirm`, {}],
      ['POST', `/api/v1/reservations/${fx.unknownId}/release`, {}],
      ['PATCH', `/api/v1/webhooks/${fx.unknownId}`, { description: 'warm-up' }],
      ['POST', `/api/v1/webhook-deliveries/${fx.unknownId}/redeliver`, {}],
    ] as const) {
      expect((await sendAs(path, { method, body: JSON.stringify(body) })).status).toBe(404);
    }
    before = await databaseDigest(api.services.db);
  });

  describe.each(ALL_MUTATIONS)('$procedure', (spec) => {
    const as = spec.as ?? 'admin';

    it.each(RAW_BODIES.filter((raw) => !(spec.emptyIsValid && raw.body === '')))(
      'tRPC raw body: $label',
      async ({ body, contentType }) => {
        expectRefused(await sendAs(`/trpc/${spec.procedure}`, { body, contentType, as }), V);
      },
    );

    // Skipped only where no input is a valid call (cart.clear): nothing to refuse there.
    it.skipIf(spec.emptyIsValid)('tRPC: no body at all', async () => {
      expectRefused(await trpcPost(spec.procedure, undefined, as), V);
    });

    const rest = spec.rest;
    if (rest) {
      const restCases = casesFor(spec).filter((c) => !(rest.bodyless && NOT_OBJECTS.has(c.label)));
      it.each(restCases)('REST: $label', async ({ input, codes }) => {
        const request = restRequest(rest.path, input(fx), fx, spec);
        if (!request) return;
        const answer = await sendAs(request.url, {
          method: rest.method,
          body: JSON.stringify(request.body),
          as,
        });
        expectRefused(answer, codes);
      });

      // Fastify parses REST bodies itself; its refusals must still be 4xx without leaks.
      const rawBodies = RAW_BODIES.filter(
        (raw) => !TOO_DEEP.has(raw.label) && !(rest.bodyless && raw.body === ''),
      );
      it.each(rawBodies)('REST raw body: $label', async ({ body, contentType }) => {
        const request = restRequest(rest.path, spec.base(fx), fx, spec);
        if (!request) throw new Error('the base input makes a URL');
        const answer = await sendAs(request.url, { method: rest.method, body, contentType, as });
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
      const overTrpc = await sendAs('/trpc/inventory.receive', {
        body: JSON.stringify(input),
        headers: { 'idempotency-key': key },
      });
      expectRefused(overTrpc, V);
      const overRest = await sendAs(`/api/v1/stock/${fx.nyc}/EL-HDP-001/receive`, {
        body: JSON.stringify({ quantity: 1 }),
        headers: { 'idempotency-key': key },
      });
      expectRefused(overRest, V);
    });
  });

  describe('batches', () => {
    it('refuses every malformed call of a batch', async () => {
      const answer = await sendAs('/trpc/inventory.receive,products.archive,reservations.confirm?batch=1', {
        body: JSON.stringify({ 0: { quantity: -1 }, 1: { sku: '' }, 2: { id: 'nope' } }),
      });
      expectRefused(answer, V);
      expect(appCodesOf(answer.body)).toEqual([
        'VALIDATION_FAILED',
        'VALIDATION_FAILED',
        'VALIDATION_FAILED',
      ]);
    });

    it.each([
      ['an array body', '[{"sku":"EL-HDP-001"}]'],
      ['a string body', '"EL-HDP-001"'],
      ['null', 'null'],
    ])('refuses a batch with %s', async (_label, body) => {
      expectRefused(await sendAs('/trpc/products.archive,products.archive?batch=1', { body }), V);
    });

    it('refuses a batch larger than 50 calls', async () => {
      const names = Array.from({ length: 51 }, () => 'products.archive').join(',');
      const inputs = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [i, { sku: 'EL-HDP-001' }]));
      expectRefused(await sendAs(`/trpc/${names}?batch=1`, { body: JSON.stringify(inputs) }), V);
    });

    it('refuses an unknown procedure', async () => {
      expectRefused(await trpcPost('inventory.steal', { sku: 'EL-HDP-001' }), NF);
    });
  });

  it.each([
    ['groupBy=week', V],
    ['groupBy=day&from=nope', V],
    ['groupBy=product&sellerId=%27%20or%201%3D1', V],
  ] as const)('GET /api/v1/orders/sales?%s is refused', async (query, codes) => {
    expectRefused(await sendAs(`/api/v1/orders/sales?${query}`, { method: 'GET' }), codes);
  });

  describe('the transport', () => {
    const big = JSON.stringify({ items: [], padding: 'x'.repeat(1_100_000) });

    it('answers a body over BODY_LIMIT_BYTES with 413 over /trpc', async () => {
      const answer = await sendAs('/trpc/inventory.sync', { body: big });
      expect(answer.status).toBe(413);
      expectRefused(answer, null);
    });

    it('answers a body over BODY_LIMIT_BYTES with 413 over REST', async () => {
      const answer = await sendAs('/api/v1/stock/sync', { body: big });
      expect(answer.status).toBe(413);
      expectRefused(answer, null);
    });

    it('answers a URL too long for the server with a 4xx', async () => {
      const answer = await sendAs(`/api/v1/stock/${fx.nyc}/${'A'.repeat(70_000)}/receive`, {
        body: JSON.stringify({ quantity: 1 }),
      });
      expectRefused(answer, null);
    });

    it('answers a path with a broken percent-encoding with a 4xx', async () => {
      const answer = await sendAs(`/api/v1/stock/${fx.nyc}/%E0%A4%A/receive`, {
        body: JSON.stringify({ quantity: 1 }),
      });
      expectRefused(answer, null);
    });

    it('answers a path with an encoded unpaired surrogate with a 4xx', async () => {
      const answer = await sendAs(`/api/v1/stock/${fx.nyc}/A%ED%A0%80B/receive`, {
        body: JSON.stringify({ quantity: 1 }),
      });
      expectRefused(answer, null);
    });

    it('answers GET on a mutation with a 4xx', async () => {
      expectRefused(await sendAs('/trpc/inventory.receive', { method: 'GET' }), V);
    });

    it('answers a mutation sent to a query with a 4xx', async () => {
      expectRefused(await trpcPost('products.search', { query: 'mug' }), V);
    });

    it('takes JSON nested 10000 deep over /trpc as bad input', async () => {
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      expectRefused(await sendAs('/trpc/inventory.sync', { body: deep }), V);
    });

    it('answers REST malformed JSON, oversize bodies and bad URLs with an appCode', async () => {
      const answers = [
        await sendAs('/api/v1/stock/sync', { body: '{"items":' }),
        await sendAs('/api/v1/stock/sync', { body: big }),
        await sendAs('/trpc/inventory.sync', { body: big }),
        await sendAs(`/api/v1/stock/${fx.nyc}/%E0%A4%A/receive`, { body: '{}' }),
      ];
      for (const answer of answers) expectRefused(answer, V);
    });

    // The REST adapter (trpc-to-openapi → @trpc/server incomingMessageToRequest) JSON.stringifies
    // the parsed body and would overflow the stack on deep nesting.
    it('answers REST JSON nested 5000 deep with a 4xx', async () => {
      const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      expectRefused(await sendAs('/api/v1/stock/sync', { body: deep }), null);
    });

    // The REST adapter builds the input as `{ ...body, ...pathParams }`: a body of `true`, `null`,
    // `42` or `[]` must be refused, not dropped (POST /reservations/{id}/confirm with `true`).
    it('refuses a REST body that is not an object', async () => {
      const answer = await sendAs(`/api/v1/reservations/${fx.unknownId}/confirm`, { body: 'true' });
      expectRefused(answer, V);
    });
  });

  it('left the database exactly as it was', async () => {
    expect(await databaseDigest(api.services.db)).toEqual(before);
  });

  it('still coerces REST query strings (GET /products?limit=2)', async () => {
    const answer = await sendAs('/api/v1/products?limit=2', { method: 'GET' });
    expect(answer.status).toBe(200);
    expect((answer.body as { items: unknown[] }).items).toHaveLength(2);
  });
});

// ------------------------------------------------------------------ roles on the wire

interface SseResult {
  text: string;
  error?: { message?: string; data?: { appCode?: string } };
}

/** Open an SSE subscription, read until it reports an error or has been quiet a moment after connecting. */
async function readSse(url: string, token: string | undefined): Promise<SseResult> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: abort.signal,
  });
  if (!res.body) throw new Error(`no stream (HTTP ${res.status})`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 5000;
  let quietUntil = Number.POSITIVE_INFINITY;
  try {
    while (Date.now() < Math.min(deadline, quietUntil)) {
      const wait = Math.max(1, Math.min(deadline, quietUntil) - Date.now());
      const chunk = await Promise.race([
        reader.read(),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), wait)),
      ]);
      if (chunk === 'timeout') break;
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
      if (error?.[1]) return { text, error: JSON.parse(error[1]) as SseResult['error'] };
      if (text.includes('event: connected') && quietUntil === Number.POSITIVE_INFINITY)
        quietUntil = Date.now() + 500;
    }
    return { text };
  } finally {
    abort.abort();
    await reader.cancel().catch(() => {});
  }
}

describe('roles on the wire', () => {
  const PRINCIPALS = ['anonymous', 'buyer', 'seller', 'staff', 'admin', 'service'] as const;
  type Who = (typeof PRINCIPALS)[number];
  const SUBSCRIPTIONS: { procedure: string; allowed: readonly Who[] }[] = [
    { procedure: 'events.onEvent', allowed: ['staff', 'admin'] },
    { procedure: 'orders.onChange', allowed: ['staff', 'admin'] },
  ];
  const expectedFor = (allowed: readonly Who[], who: Who) =>
    allowed.includes(who) ? 'ok' : who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';

  describe.each(SUBSCRIPTIONS)('$procedure (SSE)', ({ procedure, allowed }) => {
    const tokenOf = async (who: Who): Promise<string | undefined> => {
      if (who === 'anonymous') return undefined;
      if (who === 'service') return SERVICE_TOKEN;
      return api.login(`${who}@example.com`);
    };
    it.each(PRINCIPALS.map((who) => ({ who, expected: expectedFor(allowed, who) })))(
      '$who → $expected',
      async ({ who, expected }) => {
        const stream = await readSse(`${api.url}/trpc/${procedure}`, await tokenOf(who));
        if (expected === 'ok') {
          expect(stream.text).toContain('event: connected');
          expect(stream.error, stream.text).toBeUndefined();
        } else {
          expect(stream.error?.data?.appCode, stream.text).toBe(expected);
        }
      },
    );
  });

  it('REST routes apply the same rules (401 and 403), and change nothing', async () => {
    const MAIN = 'EL-HDP-001';
    const GUARD = 'KT-KNF-001';
    const nyc = wh['NYC-1'] as string;
    const dfw = wh['DFW-1'] as string;
    const held = await api.client(tokens.buyer).reservations.create.mutate({
      lines: [{ sku: MAIN, quantity: 1, warehouseId: nyc }],
    });
    const guardBefore = await level(dfw, GUARD);
    const cases = [
      {
        who: 'anonymous',
        method: 'GET',
        path: `/stock/${nyc}/${MAIN}`,
        code: 'UNAUTHENTICATED',
        status: 401,
      },
      { who: 'buyer', method: 'GET', path: `/stock/${nyc}/${MAIN}`, code: 'FORBIDDEN', status: 403 },
      {
        who: 'staff',
        method: 'POST',
        path: `/stock/${dfw}/${GUARD}/receive`,
        body: { quantity: 1 },
        code: 'FORBIDDEN',
        status: 403,
      },
      {
        who: 'staff',
        method: 'PUT',
        path: `/stock/${dfw}/${GUARD}`,
        body: { onHand: 1 },
        code: 'FORBIDDEN',
        status: 403,
      },
      {
        who: 'staff',
        method: 'POST',
        path: '/stock/sync',
        body: { items: [{ warehouseId: dfw, sku: GUARD, onHand: 1 }] },
        code: 'FORBIDDEN',
        status: 403,
      },
      {
        who: 'staff',
        method: 'POST',
        path: '/reservations',
        body: { lines: [{ sku: MAIN, quantity: 1 }] },
        code: 'FORBIDDEN',
        status: 403,
      },
      {
        who: 'anonymous',
        method: 'POST',
        path: `/reservations/${held.id}/release`,
        body: {},
        code: 'UNAUTHENTICATED',
        status: 401,
      },
    ] as const;
    for (const c of cases) {
      const token = c.who === 'anonymous' ? undefined : tokens[c.who];
      const answer = await send(c.method, `/api/v1${c.path}`, {
        token,
        body: 'body' in c ? c.body : undefined,
      });
      expect({ who: c.who, path: c.path, status: answer.status, code: answer.body?.error?.code }).toEqual({
        who: c.who,
        path: c.path,
        status: c.status,
        code: c.code,
      });
      expectRestError(answer, c.status, c.code);
    }
    expect(await level(dfw, GUARD)).toEqual(guardBefore);
    expect((await api.client(tokens.admin).reservations.get.query({ id: held.id })).status).toBe('pending');
  });

  it('answers refusals over /trpc with 401 and 403 and the envelope', async () => {
    const anonymous = await trpcQuery('auth.me', undefined);
    expect(anonymous.status).toBe(401);
    expectTrpcError(anonymous.body, 'UNAUTHENTICATED', 401);
    expect(anonymous.body.error.data.code).toBe('UNAUTHORIZED');
    const buyer = await trpcQuery('users.list', undefined, { token: tokens.buyer });
    expect(buyer.status).toBe(403);
    expectTrpcError(buyer.body, 'FORBIDDEN', 403);
  });

  // The typed client sends a mutation without input as a POST with no body (trpc-http.ts reads it as `{}`).
  it('lets a buyer clear the cart without an input', async () => {
    await api.client(tokens.buyer).cart.clear.mutate();
  });
});

describe('the sign-in limit on the wire', () => {
  let limited: TestApi;
  beforeAll(async () => {
    // The same database; sign-in attempts are counted in it, so this account is used nowhere else.
    limited = await startTestApi({ LOGIN_LIMIT_PER_ACCOUNT: '3' }, api.database);
  });
  afterAll(() => limited?.stop());

  it('answers 429 RATE_LIMITED with Retry-After, to fetch and to the typed client', async () => {
    const email = 'wire-limit@example.com';
    for (let i = 0; i < 3; i++) {
      const failed = await send('POST', '/trpc/auth.login', {
        base: limited.url,
        body: { email, password: `wrong-${i}` },
      });
      expect(failed.status).toBe(401);
    }
    const blocked = await send('POST', '/trpc/auth.login', {
      base: limited.url,
      body: { email, password: 'x' },
    });
    expect(blocked.status).toBe(429);
    expectTrpcError(blocked.body, 'RATE_LIMITED', 429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // With the typed client: the appCode is in the error's data.
    const error = await limited
      .client()
      .auth.login.mutate({ email, password: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
      appCode: 'RATE_LIMITED',
      httpStatus: 429,
    });
  });
});
