/**
 * CSV in and out of the console. Export: a filtered stock list downloads as a CSV
 * built by the server from every page of that filter, row for row what the API
 * lists. Import: a stock count is previewed row by row (changed / unchanged /
 * stale / invalid, with the reason) before anything is written, then applied.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { expect, openSignedIn, snap, test, uniqueId } from './support';

test('the stock list exports what is filtered, every row the API lists for that filter', async ({
  page,
  world,
}, testInfo) => {
  const admin = await world.admin();
  const nyc = await world.warehouse('NYC-1');
  const tag = `CSV${uniqueId()}`;
  const skus = Array.from({ length: 5 }, (_, i) => `${tag}-${i}`);
  for (const [i, sku] of skus.entries()) {
    await admin.products.create.mutate({
      sku,
      name: `Export ${sku}`,
      category: 'E2E CSV',
      priceMinor: 500,
      currency: 'USD',
    });
    // Four of them stocked at NYC-1, one only at DFW-1: the warehouse filter leaves it out.
    const warehouse = i === 4 ? await world.warehouse('DFW-1') : nyc;
    await admin.inventory.receive.mutate({ warehouseId: warehouse.id, sku, quantity: 3 + i });
  }

  await openSignedIn(page, { email: 'admin@example.com' }, '/stock');
  await page.getByLabel('Warehouse').selectOption(nyc.id);
  await page.getByLabel('SKU or name contains').fill(tag);
  const table = page.getByRole('table', { name: 'Stock levels' });
  await expect(table.getByRole('row')).toHaveCount(1 + 4);
  await snap(page, 'stock-list', testInfo);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  const file = parse(await readFile((await download.path()) as string), { columns: true }) as Record<
    string,
    string
  >[];

  const listed = (await admin.inventory.list.query({ warehouseId: nyc.id, query: tag, limit: 100 })).items;
  expect(listed).toHaveLength(4);
  expect(
    file.map((r) => [r.warehouse_code, r.sku, Number(r.on_hand), Number(r.reserved), Number(r.available)]),
  ).toEqual(listed.map((l) => ['NYC-1', l.sku, l.onHand, l.reserved, l.available]));
});

test('a stock count is previewed row by row, nothing written, then applied with a report', async ({
  page,
  world,
}, testInfo) => {
  const admin = await world.admin();
  const nyc = await world.warehouse('NYC-1');
  const tag = `CNT${uniqueId()}`;
  const [changed, unchanged, stale] = [`${tag}-A`, `${tag}-B`, `${tag}-C`];
  for (const sku of [changed, unchanged, stale]) {
    await admin.products.create.mutate({
      sku,
      name: `Count ${sku}`,
      category: 'E2E CSV',
      priceMinor: 500,
      currency: 'USD',
    });
    await admin.inventory.receive.mutate({ warehouseId: nyc.id, sku, quantity: 10 });
  }
  const now = new Date(Date.now() + 1000).toISOString();
  const csv = [
    'warehouse code,sku,on hand,counted at',
    `NYC-1,${changed},7,${now}`,
    `NYC-1,${unchanged},10,${now}`,
    `NYC-1,${stale},4,2020-01-01T00:00:00Z`,
    `NYC-1,${tag}-NOPE,5,${now}`,
    `NYC-1,${changed},abc,${now}`,
  ].join('\r\n');

  await openSignedIn(page, { email: 'admin@example.com' }, '/stock/import');
  await page.getByLabel('Count file (CSV)').setInputFiles({
    name: 'count.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  const preview = page.getByRole('table', { name: 'Import preview' });
  const row = (line: number) => preview.getByRole('row').nth(line - 1);
  await expect(row(2)).toContainText('changed');
  await expect(row(3)).toContainText('unchanged');
  await expect(row(4)).toContainText('stale');
  await expect(row(5)).toContainText('invalid');
  await expect(row(5)).toContainText(/not found|unknown|no product/i);
  await expect(row(6)).toContainText('invalid');
  await expect(row(6)).toContainText('On hand “abc” is not a whole number');
  await expect(page.getByText('1 changed · 1 unchanged · 1 stale · 2 invalid')).toBeVisible();
  await snap(page, 'stock-import-preview', testInfo);

  // Nothing was written by the preview.
  expect((await admin.inventory.get.query({ warehouseId: nyc.id, sku: changed })).onHand).toBe(10);

  await page.getByRole('button', { name: 'Apply 1 changed row' }).click();
  const result = page.getByRole('table', { name: 'Import result' });
  await expect(result.getByRole('row').nth(1)).toContainText('applied');
  expect((await admin.inventory.get.query({ warehouseId: nyc.id, sku: changed })).onHand).toBe(7);
  expect((await admin.inventory.get.query({ warehouseId: nyc.id, sku: stale })).onHand).toBe(10);
  expect((await admin.inventory.get.query({ warehouseId: nyc.id, sku: unchanged })).onHand).toBe(10);
  const moves = await admin.inventory.movements.query({ warehouseId: nyc.id, sku: changed, limit: 10 });
  expect(moves.items[0]).toMatchObject({ onHandDelta: -3, kind: 'sync' });
});

test('movements and orders export what their pages filter', async ({ page, world }) => {
  const product = await world.product({ stock: { 'NYC-1': 4, 'CHI-1': 6 } });
  const nyc = await world.warehouse('NYC-1');
  await openSignedIn(
    page,
    { email: 'admin@example.com' },
    `/movements?sku=${product.sku}&warehouse=${nyc.id}`,
  );
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const movements: Record<string, string>[] = parse(
    await readFile((await (await downloading).path()) as string),
    { columns: true },
  );
  expect(movements.map((m) => [m.sku, m.warehouse_code, m.kind, m.on_hand_delta])).toEqual([
    [product.sku, 'NYC-1', 'receive', '4'],
  ]);

  await page.goto(`/orders?status=cancelled&warehouse=${nyc.id}`);
  const link = page.getByRole('link', { name: 'Export Cancelled as CSV' });
  await expect(link).toHaveAttribute(
    'href',
    `/api/v1/exports/orders.csv?status=cancelled&warehouseId=${nyc.id}`,
  );
});
