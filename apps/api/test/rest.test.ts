/**
 * The whole API over REST: every procedure (but subscriptions and the race
 * demo) has an OpenAPI operation, and a warehouse may be named by its code
 * (`NYC-1`) wherever an input takes `warehouseId(s)`, over tRPC and REST; an
 * unknown code is NOT_FOUND naming it, and changes nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/router.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON bodies of every shape
type Json = any;

const SKU = 'EL-HDP-001';
let api: TestApi;
let admin = '';
const wh: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.login('admin@example.com');
  for (const w of await api.client(admin).warehouses.list.query()) wh[w.code] = w.id;
});
afterAll(() => api?.stop());

async function send(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

const ledgerRows = async () =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from stock_movements`.execute(api.database.db)).rows[0]?.n,
  );

describe('REST for every procedure', () => {
  it('every procedure except subscriptions and demo.race has an OpenAPI operation in the document', async () => {
    const doc = (await send('GET', '/openapi.json')).body;
    const operations = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const method of Object.keys(item)) operations.add(`${method.toUpperCase()} ${path}`);
    }
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string; meta?: { openapi?: { method: string; path: string } } } }
    >;
    const missing: string[] = [];
    let counted = 0;
    for (const [name, procedure] of Object.entries(procedures)) {
      if (procedure._def.type === 'subscription' || name === 'demo.race') continue;
      counted += 1;
      const openapi = procedure._def.meta?.openapi;
      if (!openapi || !operations.has(`${openapi.method} ${openapi.path}`)) missing.push(name);
    }
    expect(missing).toEqual([]);
    expect(counted).toBeGreaterThan(40);
  });

  it('every operation documents the fields of its answer', async () => {
    const doc = (await send('GET', '/openapi.json')).body;
    const undocumented: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, operation] of Object.entries(item)) {
        let schema = operation.responses?.['200']?.content?.['application/json']?.schema;
        if (schema?.type === 'array') schema = schema.items;
        const fields = Object.keys(schema?.properties ?? {});
        if (fields.length === 0 || schema.additionalProperties !== false) {
          undocumented.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
    const order = doc.paths['/orders/{id}'].get.responses['200'].content['application/json'].schema;
    expect(order.required).toEqual(
      expect.arrayContaining(['id', 'status', 'totalMinor', 'items', 'shipments']),
    );
  });

  it('GET list routes take their filters and page sizes from the query string', async () => {
    const staff = await api.login('staff@example.com');
    const buyer = await api.login('buyer@example.com');
    for (const [path, token] of [
      ['/inventory?warehouseId=NYC-1&limit=2', SERVICE_TOKEN],
      ['/inventory/movements?warehouseId=NYC-1&limit=2', SERVICE_TOKEN],
      ['/orders?limit=2', SERVICE_TOKEN],
      ['/events?limit=2', staff],
      ['/waitlist?limit=2', buyer],
    ] as const) {
      const answer = await send('GET', path, { token });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200);
      expect(answer.body.items.length, path).toBeLessThanOrEqual(2);
    }
    const inventory = await send('GET', '/inventory?warehouseId=NYC-1&limit=2', { token: SERVICE_TOKEN });
    expect(inventory.body.items.every((item: Json) => item.warehouseId === wh['NYC-1'])).toBe(true);
    const tooMany = await send('GET', '/orders?limit=1000', { token: SERVICE_TOKEN });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('VALIDATION_FAILED');
    for (const [path, token] of [
      ['/warehouses', SERVICE_TOKEN],
      ['/auth/me', buyer],
      ['/cart', buyer],
      ['/users', admin],
      ['/audit/ledger', admin],
    ] as const) {
      expect((await send('GET', path, { token })).status, path).toBe(200);
    }
  });
});

describe('REST writes with path parameters', () => {
  it('cart, extend and cancel work over REST with their documented routes', async () => {
    const buyer = await api.login('buyer@example.com');
    const put = await send('PUT', `/cart/items/${SKU}`, { token: buyer, body: { quantity: 2 } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await send('GET', '/cart', { token: buyer })).body.items).toEqual([
      expect.objectContaining({ sku: SKU, quantity: 2 }),
    ]);
    const cleared = await send('DELETE', '/cart', { token: buyer });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect((await send('GET', '/cart', { token: buyer })).body.items).toEqual([]);

    const hold = await send('POST', '/reservations', {
      token: SERVICE_TOKEN,
      body: { lines: [{ sku: SKU, quantity: 1, warehouseId: 'NYC-1' }], ttlSeconds: 60 },
    });
    expect(hold.status).toBe(200);
    const extended = await send('POST', `/reservations/${hold.body.id}/extend`, {
      token: SERVICE_TOKEN,
      body: { ttlSeconds: 600 },
    });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect(Date.parse(extended.body.expiresAt)).toBeGreaterThan(Date.parse(hold.body.expiresAt));

    const order = await send('POST', '/checkout', {
      token: buyer,
      body: { shipTo: { latitude: 40.71, longitude: -74.01 }, lines: [{ sku: SKU, quantity: 1 }] },
    });
    expect(order.status, JSON.stringify(order.body)).toBe(200);
    const cancelled = await send('POST', `/orders/${order.body.id}/cancel`, {
      token: buyer,
      body: { reason: 'changed my mind' },
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });
});

describe('warehouse codes', () => {
  it('reads one stock level by code over REST with the service token, the same as by id', async () => {
    const byCode = await send('GET', `/stock/NYC-1/${SKU}`, { token: SERVICE_TOKEN });
    expect(byCode.status).toBe(200);
    const byId = await send('GET', `/stock/${wh['NYC-1']}/${SKU}`, { token: SERVICE_TOKEN });
    expect(byCode.body).toEqual(byId.body);
    expect(byCode.body.warehouseId).toBe(wh['NYC-1']);
  });

  it('an unknown code is NOT_FOUND naming the code, on reads and writes, and moves nothing', async () => {
    const read = await send('GET', `/stock/NOPE-9/${SKU}`, { token: SERVICE_TOKEN });
    expect(read.status).toBe(404);
    expect(read.body.error).toMatchObject({ code: 'NOT_FOUND', details: { warehouseCode: 'NOPE-9' } });
    expect(read.body.error.message).toContain('NOPE-9');
    const before = await ledgerRows();
    const write = await send('POST', `/stock/NOPE-9/${SKU}/receive`, {
      token: SERVICE_TOKEN,
      body: { quantity: 5 },
    });
    expect(write.status).toBe(404);
    expect(write.body.error.code).toBe('NOT_FOUND');
    const sync = await send('POST', '/stock/sync', {
      token: SERVICE_TOKEN,
      body: {
        items: [
          { warehouseId: 'NYC-1', sku: SKU, onHand: 1, countedAt: new Date().toISOString() },
          { warehouseId: 'NOPE-9', sku: SKU, onHand: 1, countedAt: new Date().toISOString() },
        ],
      },
    });
    expect(sync.status).toBe(404);
    expect(await ledgerRows()).toBe(before);
  });

  it('takes codes in tRPC inputs: stock, holds, lists, users; answers keep ids', async () => {
    const service = api.client(SERVICE_TOKEN);
    const level = await service.inventory.get.query({ warehouseId: 'CHI-1', sku: SKU });
    expect(level.warehouseId).toBe(wh['CHI-1']);
    const received = await service.inventory.receive.mutate({ warehouseId: 'CHI-1', sku: SKU, quantity: 3 });
    expect(received.onHand).toBe(level.onHand + 3);

    const hold = await service.reservations.create.mutate({
      lines: [{ sku: SKU, quantity: 1, warehouseId: 'CHI-1' }],
      ttlSeconds: 60,
    } as never);
    expect(hold.lines[0]?.warehouseId).toBe(wh['CHI-1']);

    const page = await api.client(admin).inventory.list.query({ warehouseId: 'CHI-1' });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((item: { warehouseId: string }) => item.warehouseId === wh['CHI-1'])).toBe(true);

    const user = await api.client(admin).users.create.mutate({
      email: 'codes@example.com',
      password: 'a-Strong-passw0rd-for-codes',
      name: 'Codes',
      role: 'staff',
      warehouseIds: ['NYC-1', 'CHI-1'],
    });
    expect([...user.warehouseIds].sort()).toEqual([wh['NYC-1'], wh['CHI-1']].sort());

    await expect(service.inventory.get.query({ warehouseId: 'NOPE-9', sku: SKU })).rejects.toMatchObject({
      data: { appCode: 'NOT_FOUND' },
    });
  });
});
