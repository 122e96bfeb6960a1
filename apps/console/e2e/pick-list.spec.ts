/**
 * A warehouse's pick list: the paid orders' lines grouped by bin and SKU in
 * walking order, the orders each stop serves; printable; its CSV export holds the
 * same stops. On a warehouse of its own, so other tests' orders stay out.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { expect, openSignedIn, snap, test, uniqueId } from './support';

test('the pick list groups paid orders by bin and SKU, prints without the console around it, and exports', async ({
  page,
  world,
}, testInfo) => {
  const admin = await world.admin();
  const code = `PCK-${uniqueId()}`.slice(0, 16);
  const warehouse = await admin.warehouses.create.mutate({
    code,
    name: 'Pick check',
    latitude: 41,
    longitude: -73,
  });
  const kettle = await world.product({ name: `Pick kettle ${uniqueId()}` });
  const lamp = await world.product({ name: `Pick lamp ${uniqueId()}` });
  for (const [product, bin] of [
    [kettle, 'B-02-1'],
    [lamp, 'A-01-3'],
  ] as const) {
    await admin.inventory.receive.mutate({ warehouseId: warehouse.id, sku: product.sku, quantity: 20 });
    await admin.inventory.setLocation.mutate({ warehouseId: warehouse.id, sku: product.sku, location: bin });
  }
  const order = (lines: { sku: string; quantity: number }[]) =>
    world.service().orders.create.mutate({
      lines: lines.map((l) => ({ ...l, warehouseId: warehouse.id })),
      customer: { name: 'Pick customer', email: 'pick@example.com' },
      shipTo: { latitude: 41, longitude: -73 },
    });
  const first = await order([
    { sku: kettle.sku, quantity: 2 },
    { sku: lamp.sku, quantity: 1 },
  ]);
  const second = await order([{ sku: kettle.sku, quantity: 3 }]);

  await openSignedIn(page, { email: 'admin@example.com' }, '/pick-list');
  await page.getByLabel('Warehouse').selectOption(warehouse.id);
  const rows = page.getByRole('table', { name: 'Pick list' }).getByRole('row');
  // Walking order: bin A before bin B.
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText(`A-01-3${lamp.sku}`);
  await expect(rows.nth(1)).toContainText(`#${first.number}×1`);
  await expect(rows.nth(2)).toContainText(`B-02-1${kettle.sku}`);
  await expect(rows.nth(2)).toContainText('5');
  await expect(rows.nth(2)).toContainText(`#${first.number}×2, #${second.number}×3`);

  await snap(page, 'pick-list', testInfo);

  // Printed, only the list remains.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(page.getByRole('table', { name: 'Pick list' })).toBeVisible();
  await page.emulateMedia({ media: 'screen' });

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file: Record<string, string>[] = parse(await readFile((await (await downloading).path()) as string), {
    columns: true,
  });
  expect(file.map((r) => [r.location, r.sku, r.quantity])).toEqual([
    ['A-01-3', lamp.sku, '1'],
    ['B-02-1', kettle.sku, '5'],
  ]);
});
