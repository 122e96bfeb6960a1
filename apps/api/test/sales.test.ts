/**
 * Sellers over real HTTP (tRPC and REST): `orders.sales` and `products.mine`
 * answer each seller with their own products only, revenue exact as digits;
 * paid and later orders count, cancelled ones do not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let adminToken = '';
const sellers: { token: string; id: string; sku: string }[] = [];
const suffix = Date.now().toString(36).toUpperCase();

async function rest(path: string, token: string) {
  const res = await fetch(`${api.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  api = await startTestApi();
  adminToken = await api.login('admin@example.com');
  const admin = api.client(adminToken);
  const nyc = (await admin.warehouses.list.query()).find((w) => w.code === 'NYC-1');
  if (!nyc) throw new Error('no NYC-1');
  for (const [n, price] of [
    [1, 1_999],
    [2, 12_345],
  ] as const) {
    const email = `rest-seller-${n}-${suffix.toLowerCase()}@example.com`;
    const password = `seller-${suffix}-pass-${n}`;
    const user = await admin.users.create.mutate({ email, password, name: `Seller ${n}`, role: 'seller' });
    const token = await api.login(email, password);
    const sku = `SELLER${n}-${suffix}`;
    await api.client(token).products.create.mutate({
      sku,
      name: `Seller ${n} thing`,
      category: 'Test',
      priceMinor: price,
      currency: 'USD',
    });
    await admin.inventory.receive.mutate({ warehouseId: nyc.id, sku, quantity: 50 });
    sellers.push({ token, id: user.id, sku });
  }
  const service = api.client(SERVICE_TOKEN);
  const place = (lines: { sku: string; quantity: number }[]) =>
    service.orders.create.mutate({
      lines: lines.map((l) => ({ ...l, warehouseId: nyc.id })),
      customer: { name: 'Store', email: 'store@example.com' },
      shipTo: { latitude: 40.7, longitude: -74 },
    });
  const [one, two] = sellers as [(typeof sellers)[0], (typeof sellers)[0]];
  await place([
    { sku: one.sku, quantity: 4 },
    { sku: two.sku, quantity: 1 },
  ]);
  await place([{ sku: one.sku, quantity: 2 }]);
  const cancelled = await place([{ sku: one.sku, quantity: 9 }]);
  await admin.orders.cancel.mutate({ id: cancelled.id, reason: 'test' });
});
afterAll(() => api?.stop());

describe('sellers over HTTP', () => {
  it('GET /api/v1/orders/sales: a seller gets their own paid units and exact revenue; cancelled orders do not count', async () => {
    const [one, two] = sellers as [(typeof sellers)[0], (typeof sellers)[0]];
    const mine = await rest('/orders/sales?groupBy=product', one.token);
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({
      rows: [
        { sku: one.sku, name: 'Seller 1 thing', units: 6, revenueMinor: String(6 * 1_999), currency: 'USD' },
      ],
      totals: [{ currency: 'USD', units: 6, revenueMinor: String(6 * 1_999) }],
    });
    const theirs = await api.client(two.token).orders.sales.query({ groupBy: 'day' });
    expect(theirs.rows).toEqual([
      { day: new Date().toISOString().slice(0, 10), units: 1, revenueMinor: '12345', currency: 'USD' },
    ]);
    // Naming the other seller is refused, over REST too.
    const peek = await rest(`/orders/sales?groupBy=product&sellerId=${two.id}`, one.token);
    expect(peek.status).toBe(403);
    expect(JSON.stringify(peek.body)).not.toContain(two.sku);
    // The admin may ask for one seller.
    const forAdmin = await rest(`/orders/sales?groupBy=product&sellerId=${two.id}`, adminToken);
    expect((forAdmin.body.rows as { sku: string }[]).map((r) => r.sku)).toEqual([two.sku]);
  });

  it('GET /api/v1/me/products: own products with stock per warehouse, nothing of the other seller', async () => {
    const [one, two] = sellers as [(typeof sellers)[0], (typeof sellers)[0]];
    const mine = await rest('/me/products', one.token);
    expect(mine.status).toBe(200);
    const items = mine.body.items as { sku: string; stock: { perWarehouse: unknown[] } }[];
    expect(items.map((p) => p.sku)).toEqual([one.sku]);
    expect(items[0]?.stock.perWarehouse).toEqual([
      { warehouseId: expect.any(String), warehouseCode: 'NYC-1', onHand: 44, reserved: 0, available: 44 },
    ]);
    const theirs = await api.client(two.token).products.mine.query({ limit: 10 });
    expect(theirs.items.map((p) => p.sku)).toEqual([two.sku]);
    expect((await rest('/me/products', SERVICE_TOKEN)).status).toBe(403);
  });
});
