import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { type Api, expect, openSignedIn, test, uniqueId } from './support';

test.use({ locale: 'en-US' });

const PRODUCTS = 2_050;
const number = new Intl.NumberFormat('en-US');
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** A warehouse of this test's own, so no other test moves its figures. */
async function ownWarehouse(admin: Api) {
  const code = `DSH-${uniqueId()}`.slice(0, 16);
  return admin.warehouses.create.mutate({
    code,
    name: `Dashboard ${code}`,
    latitude: 41.5,
    longitude: -88.1,
  });
}

/** More products than the old browser-side sums could read, each stocked at the warehouse. */
async function catalogue(admin: Api, warehouseId: string) {
  const run = uniqueId();
  const products: { sku: string; onHand: number }[] = [];
  for (let start = 0; start < PRODUCTS; start += 25) {
    const batch = Array.from({ length: Math.min(25, PRODUCTS - start) }, (_, k) => {
      const i = start + k;
      return admin.products.create.mutate({
        sku: `E2E-D${run}-${i}`,
        name: `Dashboard item ${i}`,
        category: 'E2E Gear',
        priceMinor: 100 + (i % 7) * 25,
        currency: 'USD',
      });
    });
    for (const p of await Promise.all(batch)) products.push({ sku: p.sku, onHand: products.length % 9 });
  }
  for (let start = 0; start < products.length; start += 1_000) {
    const items = products.slice(start, start + 1_000).map((p) => ({ warehouseId, ...p }));
    await admin.inventory.sync.mutate({ items });
  }
  return products;
}

/** The totals over every stock level of the warehouse, added up here from every page of the API's list. */
async function totalsFromLevels(api: Api, warehouseId: string, prices: Map<string, number>) {
  const t = { products: 0, onHand: 0, reserved: 0, available: 0, outOfStock: 0, lowStock: 0, valueMinor: 0 };
  let cursor: string | undefined;
  do {
    const page = await api.inventory.list.query({ warehouseId, limit: 100, cursor });
    for (const l of page.items) {
      t.products += 1;
      t.onHand += l.onHand;
      t.reserved += l.reserved;
      t.available += l.available;
      if (l.available <= 0) t.outOfStock += 1;
      else if (l.available <= l.safetyStock) t.lowStock += 1;
      t.valueMinor += l.onHand * (prices.get(l.sku) ?? Number.NaN);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return t;
}

const stat = (page: Page, label: string) => page.getByRole('figure', { name: label }).locator('.stat__value');

test('the dashboard shows the server’s totals over more than 2,000 products and follows a receipt live', async ({
  page,
  world,
}) => {
  test.setTimeout(300_000);
  const admin = await world.admin();
  const warehouse = await ownWarehouse(admin);
  const products = await catalogue(admin, warehouse.id);
  const prices = new Map(products.map((p, i) => [p.sku, 100 + (i % 7) * 25]));
  // Two paid orders from there.
  for (const p of products.slice(1, 3)) {
    await admin.orders.create.mutate({
      lines: [{ sku: p.sku, quantity: 1, warehouseId: warehouse.id }],
      customer: { name: 'E2E Customer', email: 'e2e-customer@example.com' },
      shipTo: { latitude: 41.5, longitude: -88.1, address: '1 Test Road' },
    });
  }
  // And a hold of 3 units (an admin's, through the API).
  await admin.reservations.create.mutate({
    lines: [{ sku: products[4]?.sku as string, quantity: 3, warehouseId: warehouse.id }],
    ttlSeconds: 1200,
  });
  const staff = await world.staff([warehouse.code]);
  const expected = await totalsFromLevels(world.as(staff.session), warehouse.id, prices);
  expect(expected.products).toBe(PRODUCTS);
  expect(expected.reserved).toBe(3);
  // The API's own figures (SQL over every row) agree with the levels added up one by one.
  const summary = await world.as(staff.session).dashboard.summary.query();
  expect(summary).toMatchObject({
    products: expected.products,
    onHand: expected.onHand,
    available: expected.available,
    held: expected.reserved,
    outOfStock: expected.outOfStock,
    lowStock: expected.lowStock,
    stockValueMinor: { USD: String(expected.valueMinor) },
    ordersTotal: 2,
  });
  expect(summary.ordersByStatus.paid).toBe(2);

  await openSignedIn(page, staff, '/');
  await expect(stat(page, 'Units on hand')).toHaveText(number.format(expected.onHand));
  await expect(page.getByRole('figure', { name: 'Units on hand' })).toContainText(
    `${number.format(PRODUCTS)} products`,
  );
  await expect(stat(page, 'Available to sell')).toHaveText(number.format(expected.available));
  await expect(page.getByRole('figure', { name: 'Available to sell' })).toContainText(
    `${number.format(expected.outOfStock)} levels sold out`,
  );
  await expect(stat(page, 'Held')).toHaveText(number.format(expected.reserved));
  await expect(stat(page, 'Stock value')).toHaveText(usd.format(expected.valueMinor / 100));
  await expect(stat(page, 'Low stock')).toHaveText(number.format(expected.lowStock));
  const statuses = page.getByRole('region', { name: 'Orders by status' }).getByRole('listitem');
  await expect(statuses.filter({ hasText: /^Paid/ })).toContainText('2');
  await expect(statuses.filter({ hasText: /^Shipped/ })).toContainText('0');
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
  ).toEqual([]);

  // Goods arrive while the page is open: the figures follow, no reload.
  await admin.inventory.receive.mutate({
    warehouseId: warehouse.id,
    sku: products[0]?.sku as string,
    quantity: 40,
  });
  await expect(stat(page, 'Units on hand')).toHaveText(number.format(expected.onHand + 40));
  await expect(stat(page, 'Stock value')).toHaveText(usd.format((expected.valueMinor + 40 * 100) / 100));
});
