import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { type Api, expect, openSignedIn, snap, test, uniqueId, type World } from './support';

/** Three products whose SKUs are prefixes of one another, each with 5 units at NYC-1. */
async function lookAlikes(world: World) {
  const admin = await world.admin();
  const id = uniqueId();
  const nyc = await world.warehouse('NYC-1');
  const skus = [`${id}-MON-001`, `${id}-MON-0012`, `${id}-MON-01`];
  for (const [index, sku] of skus.entries()) {
    await admin.products.create.mutate({
      sku,
      name: `Monitor ${['Alpha', 'Beta', 'Gamma'][index]} ${id}`,
      category: 'E2E Scanners',
      priceMinor: 19_900,
      currency: 'USD',
    });
    await admin.inventory.receive.mutate({ warehouseId: nyc.id, sku, quantity: 5 });
  }
  return { id, skus: skus as [string, string, string], admin, nyc };
}

/** No serious or critical axe violations on the page as it is now. */
async function expectNoSeriousA11yIssues(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A scanner: keys `delay` ms apart, then Enter. */
async function scan(page: Page, sku: string, delay: number) {
  await page.keyboard.type(sku, { delay });
  await page.keyboard.press('Enter');
}

async function onHand(admin: Api, warehouseId: string, sku: string) {
  return (await admin.inventory.get.query({ warehouseId, sku })).onHand;
}

test('a SKU scanned into product search opens exactly that product, at 0 ms and 10 ms a key', async ({
  page,
  world,
}) => {
  test.slow(); // twelve scans, each a page change
  const { id, skus } = await lookAlikes(world);
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, '/products');
  const search = page.getByRole('combobox', { name: /search products/i });
  const backToSearch = () =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();

  for (const delay of [0, 10]) {
    for (const sku of skus) {
      await backToSearch();
      await search.focus();
      await scan(page, sku, delay);
      await expect(page).toHaveURL(`/products/${sku}`);
      await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText(sku);
    }
  }

  // A prefix that is no product, and an unknown SKU: refused, nothing opens.
  for (const unknown of [`${id}-MON-0`, `${id}-MON-0013`]) {
    await backToSearch();
    await search.focus();
    await scan(page, unknown, 0);
    await expect(page.getByRole('alert')).toContainText(`No product has the SKU “${unknown}”`);
    await expect(page).toHaveURL(/\/products(\?.*)?$/);
  }
});

test('scanning units on Receive counts only the exact SKU; look-alikes and unknown SKUs are refused', async ({
  page,
  world,
}, testInfo) => {
  test.slow(); // a search, a page change and seven scans
  const { id, skus, admin, nyc } = await lookAlikes(world);
  const [target, longer, shorter] = skus;
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, '/products');

  // Find the product by scanning it, then receive at NYC-1 by scanning each unit.
  await page.getByRole('combobox', { name: /search products/i }).focus();
  await scan(page, target, 0);
  await expect(page).toHaveURL(`/products/${target}`);
  await page.getByRole('button', { name: 'Receive at NYC-1' }).click();
  const panel = page.getByRole('region', { name: `Receive · ${target} at NYC-1` });
  await panel.getByLabel(`Scan units of ${target}`).focus();

  await scan(page, target, 0);
  await scan(page, target, 0);
  await scan(page, target, 10);
  await expect(panel.getByRole('status')).toContainText(`${target} scanned: 3 units to receive`);
  for (const [other, delay] of [
    [longer, 0],
    [shorter, 10],
  ] as const) {
    await scan(page, other, delay);
    await expect(panel.getByRole('alert')).toContainText(`Refused: ${other} (`);
  }
  await scan(page, `${id}-MON-0013`, 0);
  await expect(panel.getByRole('alert')).toContainText(`no product has the SKU “${id}-MON-0013”`);
  await expect(panel.getByLabel('Units received')).toHaveValue('3');
  await snap(page, 'receive-scan', testInfo);
  await expectNoSeriousA11yIssues(page);

  await panel.getByRole('button', { name: 'Receive', exact: true }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Receive done at NYC-1' })).toContainText(
    '8 on hand',
  );
  expect(await onHand(admin, nyc.id, target)).toBe(8);
  expect(await onHand(admin, nyc.id, longer)).toBe(5);
  expect(await onHand(admin, nyc.id, shorter)).toBe(5);
});

test('scanning a pick on the order page counts the order’s own SKUs and refuses look-alikes and extras', async ({
  page,
  world,
}, testInfo) => {
  const { skus, admin, nyc } = await lookAlikes(world);
  const [target, longer, shorter] = skus;
  const order = await admin.orders.create.mutate({
    lines: [
      { sku: target, quantity: 2, warehouseId: nyc.id },
      { sku: longer, quantity: 1, warehouseId: nyc.id },
    ],
    customer: { name: 'Scan Customer', email: 'scan@example.com' },
    shipTo: { latitude: 40.75, longitude: -73.99 },
  });
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, `/orders/${order.id}`);
  const panel = page.getByRole('region', { name: 'Scan to check the pick' });
  await panel.getByLabel('Scan an item').focus();

  await scan(page, target, 0);
  await expect(panel.getByRole('status')).toContainText(`${target} scanned: 1 of 2`);
  await scan(page, target, 10);
  await expect(panel.getByRole('status')).toContainText(`${target} scanned: 2 of 2`);
  await scan(page, target, 0);
  await expect(panel.getByRole('alert')).toContainText(`all 2 of ${target} are already scanned`);
  await scan(page, shorter, 0);
  await expect(panel.getByRole('alert')).toContainText(`${shorter} (`);
  await expect(panel.getByRole('alert')).toContainText(`is not in order #${order.number}`);
  await scan(page, longer, 0);
  await expect(panel.getByRole('status')).toContainText(`All 3 units of order #${order.number} are scanned`);
  await expect(panel.getByRole('listitem').filter({ hasText: longer })).toContainText('1 / 1 scanned');
  await snap(page, 'pack-scan', testInfo);
  await expectNoSeriousA11yIssues(page);
});
