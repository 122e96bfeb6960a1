/**
 * Pick lists and bin locations over real HTTP: a warehouse's paid orders'
 * lines grouped by location and SKU in walking order; shipped parts leave the
 * list; staff see only their own warehouses' lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let staff = '';
beforeAll(async () => {
  api = await startTestApi();
  staff = await api.login('staff@example.com');
});
afterAll(() => api?.stop());

const suffix = Date.now().toString(36).toUpperCase();

async function product(sku: string) {
  const admin = api.client(await api.login('admin@example.com'));
  await admin.products.create.mutate({
    sku,
    name: `Pick ${sku}`,
    category: 'Test',
    priceMinor: 100,
    currency: 'USD',
  });
  await admin.inventory.receive.mutate({ warehouseId: 'NYC-1', sku, quantity: 100 });
}

const order = (lines: { sku: string; quantity: number }[]) =>
  api.client(SERVICE_TOKEN).orders.create.mutate({
    lines: lines.map((l) => ({ ...l, warehouseId: 'NYC-1' })),
    customer: { name: 'Store', email: 'store@example.com' },
    shipTo: { latitude: 40.7, longitude: -74 },
  });

describe('pick lists', () => {
  it('groups the lines to pick by bin and SKU, in walking order, until shipped', async () => {
    const [a, b, c] = ['A', 'B', 'C'].map((x) => `PICK-${x}-${suffix}`) as [string, string, string];
    for (const sku of [a, b, c]) await product(sku);
    const client = api.client(staff);
    await client.inventory.setLocation.mutate({ warehouseId: 'NYC-1', sku: a, location: 'B-02' });
    await client.inventory.setLocation.mutate({ warehouseId: 'NYC-1', sku: b, location: 'A-01' });
    const first = await order([
      { sku: a, quantity: 2 },
      { sku: b, quantity: 1 },
    ]);
    const second = await order([
      { sku: a, quantity: 3 },
      { sku: c, quantity: 4 },
    ]);

    const list = await client.orders.pickList.query({ warehouseId: 'NYC-1' });
    const ours = list.stops.filter((s) => s.sku.endsWith(suffix));
    expect(ours.map((s) => [s.location, s.sku, s.quantity])).toEqual([
      ['A-01', b, 1],
      ['B-02', a, 5],
      [null, c, 4],
    ]);
    expect(ours[1]?.orders.map((o) => [o.orderId, o.quantity])).toEqual([
      [first.id, 2],
      [second.id, 3],
    ]);

    await client.orders.updateStatus.mutate({ id: first.id, status: 'picking' });
    expect((await client.orders.pickList.query({ warehouseId: 'NYC-1' })).units).toBe(list.units);
    await client.orders.ship.mutate({
      id: first.id,
      warehouseId: 'NYC-1',
      carrier: 'UPS',
      trackingNumber: '1Z999',
    });
    const after = await client.orders.pickList.query({ warehouseId: 'NYC-1' });
    const left = after.stops.filter((s) => s.sku.endsWith(suffix));
    expect(left.map((s) => [s.sku, s.quantity])).toEqual([
      [a, 3],
      [c, 4],
    ]);

    const rest = await fetch(`${api.url}/api/v1/warehouses/NYC-1/pick-list`, {
      headers: { authorization: `Bearer ${staff}` },
    });
    expect(rest.status).toBe(200);
    expect(((await rest.json()) as { units: number }).units).toBe(after.units);
    const csv = await fetch(`${api.url}/api/v1/exports/pick-list.csv?warehouseId=NYC-1`, {
      headers: { authorization: `Bearer ${staff}` },
    });
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('location,sku,name,quantity,orders');
    expect(text).toContain(`,${a},Pick ${a},3,#${second.number}×3`);
  });

  it('refuses other warehouses, buyers and bad locations, changing nothing', async () => {
    const client = api.client(staff);
    await expect(client.orders.pickList.query({ warehouseId: 'DFW-1' })).rejects.toMatchObject({
      data: { appCode: 'FORBIDDEN' },
    });
    await expect(
      client.inventory.setLocation.mutate({ warehouseId: 'DFW-1', sku: 'EL-HDP-001', location: 'X-1' }),
    ).rejects.toMatchObject({ data: { appCode: 'FORBIDDEN' } });
    const buyer = api.client(await api.login('buyer@example.com'));
    await expect(buyer.orders.pickList.query({ warehouseId: 'NYC-1' })).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
    });
    for (const location of ['', ' ', 'x'.repeat(41), '<script>', '=1+1']) {
      await expect(
        client.inventory.setLocation.mutate({ warehouseId: 'NYC-1', sku: 'EL-HDP-001', location }),
      ).rejects.toMatchObject({ data: { appCode: 'VALIDATION_FAILED' } });
    }
    const level = await api.database.db
      .selectFrom('stockLevels as s')
      .innerJoin('products as p', 'p.id', 's.productId')
      .innerJoin('warehouses as w', 'w.id', 's.warehouseId')
      .select('s.location')
      .where('p.sku', '=', 'EL-HDP-001')
      .where('w.code', 'in', ['NYC-1', 'DFW-1'])
      .execute();
    expect(level.every((l) => l.location === null)).toBe(true);
  });
});
