/**
 * REST inputs. Query strings are text: a GET route's numbers and booleans are read
 * by the procedure's own schema ("false" is false, "maybe" is refused), and no REST
 * call changes how any input is validated afterwards, over REST or /trpc
 * (trpc-to-openapi would switch zod's coercion on in place: `Boolean("false")` is
 * true, `null` is 0). A body that names a path parameter with another value is
 * refused, and moves nothing (the adapter would silently use the path's).
 */
import { request } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCodeOf, startTestApi, type TestApi } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON bodies of every shape
type Json = any;

let api: TestApi;
let admin = '';

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.login('admin@example.com');
});
afterAll(() => api?.stop());

async function send(method: string, path: string, body?: unknown) {
  const res = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${admin}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** A POST whose path is sent exactly as written (fetch would resolve `..` and `.`). */
function rawPost(path: string, body: unknown): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      `${api.url}/api/v1${path}`,
      {
        method: 'POST',
        path: `/api/v1${path}`,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const skus = (page: Json) => (page.items as { sku: string }[]).map((i) => i.sku).sort();

describe('REST query strings', () => {
  it('read booleans and numbers by the schema; other text is refused, and /trpc never starts coercing', async () => {
    const trpc = api.client(admin);
    // Before any REST call: a string is not a boolean over /trpc.
    const asText = { warehouseId: 'NYC-1', lowStock: 'false' as unknown as boolean, limit: 100 };
    expect(await appCodeOf(trpc.inventory.list.query(asText))).toBe('VALIDATION_FAILED');

    const all = await send('GET', '/inventory?warehouseId=NYC-1&limit=100');
    const low = await send('GET', '/inventory?warehouseId=NYC-1&lowStock=true&limit=100');
    const notLow = await send('GET', '/inventory?warehouseId=NYC-1&lowStock=false&limit=100');
    expect([all.status, low.status, notLow.status]).toEqual([200, 200, 200]);
    expect(skus(low.body)).toEqual(
      skus(await trpc.inventory.list.query({ warehouseId: 'NYC-1', lowStock: true, limit: 100 })),
    );
    expect(skus(low.body).length).toBeLessThan(skus(all.body).length);
    expect(skus(notLow.body)).toEqual(skus(all.body));
    expect((await send('GET', '/inventory?warehouseId=NYC-1&limit=3')).body.items).toHaveLength(3);
    for (const bad of [
      'lowStock=maybe',
      'lowStock=1',
      'limit=abc',
      'limit=1e3',
      'limit=-5',
      'limit=0',
      'lowStock=true&lowStock=false',
      'limit=5&limit=7',
    ]) {
      const res = await send('GET', `/inventory?warehouseId=NYC-1&${bad}`);
      expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({
        bad,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }

    // After REST traffic, /trpc validates exactly as before.
    expect(await appCodeOf(trpc.inventory.list.query(asText))).toBe('VALIDATION_FAILED');
    const nullCount = {
      rows: [{ warehouse: 'NYC-1', sku: 'EL-HDP-001', onHand: null as unknown as number }],
    };
    expect(await appCodeOf(trpc.inventory.syncPreview.mutate(nullCount))).toBe('VALIDATION_FAILED');
    const preview = await send('POST', '/stock/sync/preview', nullCount);
    expect([preview.status, preview.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const blank = await send('POST', '/stock/sync/preview', {
      rows: [{ warehouse: 'NYC-1', sku: 'EL-HDP-001', onHand: '' }],
    });
    expect([blank.status, blank.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('includeRevoked=false leaves revoked tokens out, =true lists them', async () => {
    const created = await send('POST', '/service-tokens', { name: 'to revoke', scopes: ['stock:read'] });
    expect(created.status).toBe(200);
    expect((await send('POST', `/service-tokens/${created.body.id}/revoke`)).status).toBe(200);
    const ids = async (query: string) =>
      ((await send('GET', `/service-tokens?${query}&limit=100`)).body.items as { id: string }[]).map(
        (t) => t.id,
      );
    expect(await ids('includeRevoked=false')).not.toContain(created.body.id);
    expect(await ids('includeRevoked=true')).toContain(created.body.id);
  });
});

describe('path parameters', () => {
  it('a body naming a path parameter with another value is refused and moves nothing; the same value is fine', async () => {
    const ledger = async () =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from stock_movements`.execute(api.database.db)).rows[0]
          ?.n,
      );
    const before = await ledger();
    for (const body of [
      { warehouseId: 'DFW-1', quantity: 1 },
      { sku: 'KT-GRN-001', quantity: 1 },
    ]) {
      const res = await send('POST', '/stock/NYC-1/EL-HDP-001/receive', body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    // However the path is spelt: the adapter matches without case and resolves . and ..
    for (const path of [
      '/STOCK/NYC-1/EL-HDP-001/receive',
      '/Stock/NYC-1/EL-HDP-001/Receive',
      '/stock/NYC-1/x/../EL-HDP-001/receive',
      '/stock/NYC-1/EL-HDP-001/./receive',
    ]) {
      const res = await rawPost(path, { warehouseId: 'DFW-1', quantity: 1 });
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(res.body.error.message).toMatch(/warehouseId: the path gives NYC-1/);
    }
    expect(await ledger()).toBe(before);
    const same = await send('POST', '/stock/NYC-1/EL-HDP-001/receive', { sku: 'EL-HDP-001', quantity: 1 });
    expect(same.status).toBe(200);
    expect(await ledger()).toBe(before + 1);
  });
});
