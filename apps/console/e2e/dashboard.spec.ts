/**
 * The dashboard's figures come from the server (`dashboard.summary`, SQL over every
 * row in the viewer's scope), not from the first pages the browser could add up:
 * on a warehouse of its own with more than 2,000 products they equal the totals of
 * every page of its stock list, and a receipt moves them without a reload.
 */
import type { Page } from '@playwright/test';
import { expect, openSignedIn, test, uniqueId } from './support';

const PRODUCTS = 2_050;

/** Run `task` over `items`, `limit` at a time. */
async function inPool<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index] as T, index);
      }
    }),
  );
}

const statValue = (page: Page, label: string) =>
  page.locator('.stat', { hasText: label }).locator('.stat__value');

test('the dashboard shows server figures over more than 2,000 products and follows a receipt live', async ({
  page,
  world,
}) => {
  test.setTimeout(240_000);
  const admin = await world.admin();
  const code = `DSH-${uniqueId()}`.slice(0, 16);
  const warehouse = await admin.warehouses.create.mutate({
    code,
    name: 'Dashboard check',
    latitude: 40.1,
    longitude: -74.2,
  });
  const staff = await world.staff([code]);
  const id = uniqueId();
  const products = Array.from({ length: PRODUCTS }, (_, i) => ({
    sku: `DSH-${id}-${String(i).padStart(4, '0')}`,
    priceMinor: 100 + (i % 50),
    onHand: 1 + (i % 7),
  }));
  await inPool(products, 12, (p) =>
    admin.products.create.mutate({
      sku: p.sku,
      name: `Dashboard item ${p.sku}`,
      category: 'E2E Dashboard',
      priceMinor: p.priceMinor,
      currency: 'USD',
    }),
  );
  for (let start = 0; start < products.length; start += 1000) {
    const items = products
      .slice(start, start + 1000)
      .map((p) => ({ warehouseId: warehouse.id, sku: p.sku, onHand: p.onHand }));
    await admin.inventory.sync.mutate({ items });
  }

  // The totals of every page of the warehouse's stock list, added up here.
  const levels: { sku: string; onHand: number; available: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await admin.inventory.list.query({ warehouseId: warehouse.id, limit: 100, cursor });
    levels.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  expect(levels.length).toBe(PRODUCTS);
  const price = new Map(products.map((p) => [p.sku, p.priceMinor]));
  const onHand = levels.reduce((sum, l) => sum + l.onHand, 0);
  const available = levels.reduce((sum, l) => sum + l.available, 0);
  const valueMinor = levels.reduce((sum, l) => sum + l.onHand * (price.get(l.sku) ?? 0), 0);
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

  await openSignedIn(page, staff, '/');
  await expect(statValue(page, 'Units on hand')).toHaveText(onHand.toLocaleString('en-US'));
  await expect(page.locator('.stat', { hasText: 'Units on hand' })).toContainText(
    `${PRODUCTS.toLocaleString('en-US')} products`,
  );
  await expect(statValue(page, 'Available to sell')).toHaveText(available.toLocaleString('en-US'));
  await expect(statValue(page, 'Stock value')).toHaveText(money.format(valueMinor / 100));

  // A receipt elsewhere moves the figures on the open page (live events).
  const first = products[0] as (typeof products)[number];
  await admin.inventory.receive.mutate({ warehouseId: warehouse.id, sku: first.sku, quantity: 40 });
  await expect(statValue(page, 'Units on hand')).toHaveText((onHand + 40).toLocaleString('en-US'));
  await expect(statValue(page, 'Stock value')).toHaveText(
    money.format((valueMinor + 40 * first.priceMinor) / 100),
  );
});
