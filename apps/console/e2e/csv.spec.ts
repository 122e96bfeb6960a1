import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { type Api, expect, madeUpWord, openSignedIn, snap, test, uniqueId, type World } from './support';

/** No serious or critical accessibility violations on the page as it is now. */
async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(severe.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Products of this test whose names share a made-up word, stocked at NYC-1 and CHI-1 in one sync. */
async function stockedProducts(world: World, admin: Api, word: string, count: number) {
  const skus: string[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, () =>
      admin.products.create.mutate({
        sku: `E2E-${uniqueId()}`,
        name: `${word} Crate`,
        category: 'E2E Gear',
        priceMinor: 1_000,
        currency: 'USD',
      }),
    );
    skus.push(...(await Promise.all(batch)).map((p) => p.sku));
  }
  const [nyc, chi] = await Promise.all([world.warehouse('NYC-1'), world.warehouse('CHI-1')]);
  await admin.inventory.sync.mutate({
    items: skus.flatMap((sku, i) => [
      { warehouseId: nyc.id, sku, onHand: i + 1 },
      { warehouseId: chi.id, sku, onHand: 2 * i },
    ]),
  });
  return skus;
}

test('a filtered stock list exports as CSV: every page, the same rows as the API', async ({
  page,
  world,
}, testInfo) => {
  const admin = await world.admin();
  const word = madeUpWord(9);
  await stockedProducts(world, admin, word, 65); // 130 levels: more than a page of the list and of the export

  await openSignedIn(page, { email: 'admin@example.com' }, '/stock');
  await page.getByLabel('SKU or name contains').fill(word);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`q=${word}`));
  const rows = page.getByRole('table', { name: 'Stock levels by SKU and warehouse' }).locator('tbody tr');
  await expect(rows.first()).toContainText('E2E-');
  await expectAccessible(page);
  await snap(page, 'stock-levels', testInfo, { fullPage: false });

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^stockroom-stock-\d{4}-\d{2}-\d{2}\.csv$/);
  const file: Record<string, string>[] = parse(await readFile((await download.path()) as string), {
    columns: true,
  });

  // The API's rows for the same filter, every page.
  const codes = new Map((await admin.warehouses.list.query()).map((w) => [w.id, w.code]));
  const expected: Record<string, string>[] = [];
  let cursor: string | undefined;
  do {
    const result = await admin.inventory.list.query({ query: word, limit: 100, cursor });
    for (const l of result.items) {
      expected.push({
        warehouse_code: codes.get(l.warehouseId) as string,
        sku: l.sku,
        on_hand: String(l.onHand),
        reserved: String(l.reserved),
        available: String(l.available),
        safety_stock: String(l.safetyStock),
        version: String(l.version),
        updated_at: l.updatedAt,
      });
    }
    cursor = result.nextCursor ?? undefined;
  } while (cursor);
  expect(expected).toHaveLength(130);
  expect(file).toEqual(expected);
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

test('a stock count CSV is previewed row by row (changed, unchanged, stale, invalid), then applied', async ({
  page,
  world,
}, testInfo) => {
  const [changed, unchanged, stale, negative] = await Promise.all([
    world.product({ stock: { 'NYC-1': 10 } }),
    world.product({ stock: { 'NYC-1': 7 } }),
    world.product({ stock: { 'NYC-1': 5 } }),
    world.product({ stock: { 'NYC-1': 3 } }),
  ]);
  const unknown = `E2E-NOPE-${uniqueId()}`;
  const staff = await world.staff(['NYC-1']);
  const now = new Date().toISOString();
  const yesterday = new Date(Date.now() - 86_400_000).toISOString();
  const csv = [
    'warehouse code,sku,on hand,counted at',
    `NYC-1,${changed.sku},25,${now}`,
    `NYC-1,${unchanged.sku},7,${now}`,
    `NYC-1,${stale.sku},1,${yesterday}`,
    `NYC-1,${unknown},4,${now}`,
    `NYC-1,${negative.sku},-2,${now}`,
  ].join('\n');

  await openSignedIn(page, staff, '/stock/import');
  await page.getByLabel('Stock count CSV file').setInputFiles({
    name: 'count.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  const preview = page.getByRole('region', { name: 'Preview of count.csv' });
  const row = (sku: string) => preview.getByRole('row').filter({ hasText: sku });
  await expect(row(changed.sku)).toContainText('Changed');
  await expect(row(changed.sku)).toContainText('+15');
  await expect(row(changed.sku)).toContainText('10 → 25');
  await expect(row(unchanged.sku)).toContainText('Unchanged');
  await expect(row(stale.sku)).toContainText('Stale');
  await expect(row(stale.sku)).toContainText('counted before the last change of this level');
  await expect(row(unknown)).toContainText('Invalid');
  await expect(row(unknown)).toContainText(`unknown SKU "${unknown}"`);
  await expect(row(negative.sku)).toContainText('Invalid');
  await expect(row(negative.sku)).toContainText('on hand must be a whole number ≥ 0');
  await snap(page, 'stock-import-preview', testInfo);
  await expectAccessible(page);

  // Nothing is written by the preview.
  expect((await world.level(changed.sku, 'NYC-1')).onHand).toBe(10);

  await preview.getByRole('button', { name: 'Apply 1 changed row' }).click();
  const result = page.getByRole('region', { name: 'Result of count.csv' });
  await expect(result.getByRole('status')).toHaveText('1 row applied.');
  await expect(result.getByRole('row').filter({ hasText: changed.sku })).toContainText('on hand is now 25');
  await expect(result.getByRole('row').filter({ hasText: stale.sku })).toContainText('Not sent');
  await expectAccessible(page);

  expect((await world.level(changed.sku, 'NYC-1')).onHand).toBe(25);
  expect((await world.level(stale.sku, 'NYC-1')).onHand).toBe(5);
  expect((await world.level(negative.sku, 'NYC-1')).onHand).toBe(3);
  expect((await world.level(unchanged.sku, 'NYC-1')).onHand).toBe(7);
  const ledger = await (await world.admin()).inventory.movements.query({ sku: changed.sku });
  expect(ledger.items[0]).toMatchObject({ kind: 'sync', onHandDelta: 15 });
});

test('a count file without an on hand column is refused before anything is sent', async ({ page, world }) => {
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, '/stock/import');
  await page.getByLabel('Stock count CSV file').setInputFiles({
    name: 'wrong.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('warehouse code,sku,quantity counted\nNYC-1,EL-MON-001,4\n'),
  });
  await expect(page.getByRole('alert')).toContainText('wrong.csv cannot be imported');
  await expect(page.getByRole('alert')).toContainText('The file has no "on hand" column');
  await page.getByLabel('Stock count CSV file').setInputFiles({
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('warehouse code,sku,on hand\nNYC-1,"EL-MON-001,4\n'),
  });
  await expect(page.getByRole('alert')).toContainText('broken.csv cannot be imported');
  await expect(page.getByRole('region', { name: /Preview/ })).toHaveCount(0);
});
