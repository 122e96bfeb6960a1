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
