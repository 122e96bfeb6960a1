import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { expect, openSignedIn, snap, test, uniqueId } from './support';

/** No serious or critical axe violations on the page as it is now. */
async function expectNoSeriousA11yIssues(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('the pick list shows paid orders’ lines by location and SKU, prints without the shell, and exports the same rows', async ({
  page,
  world,
}, testInfo) => {
  const admin = await world.admin();
  // A warehouse of this test's own, so its pick list holds only this test's orders.
  const code = `PL-${uniqueId()}`.slice(0, 16);
  const warehouse = await admin.warehouses.create.mutate({
    code,
    name: `Pick ${code}`,
    latitude: 40.7,
    longitude: -74,
  });
  const [a, b, c] = [
    await world.product({ name: `Pick Lamp ${code}`, stock: { [code]: 20 } }),
    await world.product({ name: `Pick Bulb ${code}`, stock: { [code]: 20 } }),
    await world.product({ name: `Pick Cord ${code}`, stock: { [code]: 20 } }),
  ];
  await admin.inventory.setLocation.mutate({ warehouseId: warehouse.id, sku: a.sku, location: 'A-01-3' });
  await admin.inventory.setLocation.mutate({ warehouseId: warehouse.id, sku: b.sku, location: 'B-02-1' });
  const order = (lines: { sku: string; quantity: number }[]) =>
    admin.orders.create.mutate({
      lines: lines.map((l) => ({ ...l, warehouseId: warehouse.id })),
      customer: { name: 'Pick Customer', email: 'pick@example.com' },
      shipTo: { latitude: 40.75, longitude: -73.99 },
    });
  const first = await order([
    { sku: a.sku, quantity: 2 },
    { sku: b.sku, quantity: 1 },
  ]);
  const second = await order([{ sku: a.sku, quantity: 3 }]);
  const third = await order([{ sku: c.sku, quantity: 1 }]);
  const gone = await order([{ sku: b.sku, quantity: 5 }]);
  await admin.orders.cancel.mutate({ id: gone.id, reason: 'not to pick' });

  const staff = await world.staff([code]);
  await openSignedIn(page, staff, '/pick-list');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Pick list · ${code}`);
  const rows = page.getByRole('region', { name: `Pick list for ${code}` }).locator('tbody tr');
  await expect(rows).toHaveCount(3);
  // Walking order: by location, products without one last.
  await expect(rows.nth(0)).toContainText('A-01-3');
  await expect(rows.nth(0)).toContainText(a.sku);
  await expect(rows.nth(0).locator('.pick-list__qty')).toHaveText('5');
  await expect(rows.nth(0)).toContainText(`#${first.number} × 2, #${second.number} × 3`);
  await expect(rows.nth(1)).toContainText('B-02-1');
  await expect(rows.nth(1)).toContainText(b.sku);
  await expect(rows.nth(1).locator('.pick-list__qty')).toHaveText('1');
  await expect(rows.nth(2)).toContainText('no location');
  await expect(rows.nth(2)).toContainText(c.sku);
  await expect(rows.nth(2)).toContainText(`#${third.number} × 1`);
  await snap(page, 'pick-list', testInfo);
  await expectNoSeriousA11yIssues(page);

  // The export: the same rows, downloaded with the console's own session.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
  expect(csv).toEqual([
    {
      location: 'A-01-3',
      sku: a.sku,
      name: a.name,
      quantity: '5',
      orders: `#${first.number}×2 #${second.number}×3`,
    },
    { location: 'B-02-1', sku: b.sku, name: b.name, quantity: '1', orders: `#${first.number}×1` },
    { location: '', sku: c.sku, name: c.name, quantity: '1', orders: `#${third.number}×1` },
  ]);

  // Printed: the list without the console around it.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toBeVisible();
});
