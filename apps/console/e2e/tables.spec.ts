import { expect, openSignedIn, test } from './support';

/**
 * The shared table on a long list (the ledger of one product, 120 receipts): columns
 * sort by keyboard with aria-sort (among the loaded rows, as movements have no server
 * sort), and past 100 rows only the rows in view are rendered, numbered for assistive
 * technology with aria-rowcount/aria-rowindex.
 */
test('a long movements list sorts by column and renders only the rows in view', async ({ page, world }) => {
  test.setTimeout(120_000);
  const product = await world.product();
  const admin = await world.admin();
  const nyc = await world.warehouse('NYC-1');
  for (let quantity = 1; quantity <= 120; quantity++) {
    await admin.inventory.receive.mutate({ warehouseId: nyc.id, sku: product.sku, quantity });
  }

  await openSignedIn(page, { email: 'admin@example.com' }, `/movements?sku=${product.sku}`);
  const table = page.getByRole('table', { name: 'Stock movements, newest first' });
  const rows = table.locator('tbody tr:not([aria-hidden])');
  const onHand = (row: number) => rows.nth(row).getByRole('cell').nth(4);
  // Newest first: the last receipt (+120) on top; 50 rows on the first page.
  await expect(onHand(0)).toHaveText('+120');
  await expect(rows).toHaveCount(50);

  // Sort with the keyboard: largest first, then smallest first, among the 50 loaded rows.
  const header = table.getByRole('columnheader', { name: /On hand Δ/ });
  await expect(header).toHaveAttribute('aria-sort', 'none');
  await header.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(onHand(0)).toHaveText('+120');
  await page.keyboard.press('Enter');
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(onHand(0)).toHaveText('+71');
  await expect(page.getByRole('status').filter({ hasText: 'Sorted among the 50 rows loaded' })).toBeVisible();

  // Load the rest: 120 rows, of which only those near the window are in the page.
  // (The button also loads by itself when scrolled into view, so it may be gone before a click.)
  const loadMore = page.getByRole('button', { name: 'Load more' });
  await expect(async () => {
    if ((await loadMore.count()) > 0) await loadMore.click({ timeout: 1000 });
    await expect(table).toHaveAttribute('aria-rowcount', '121', { timeout: 1000 });
  }).toPass();
  await expect(loadMore).toHaveCount(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(onHand(0)).toHaveText('+1');
  await expect(rows.first()).toHaveAttribute('aria-rowindex', '2');
  expect(await rows.count()).toBeLessThan(120);

  // At the bottom, the largest receipt is the last row, numbered 121.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const last = table.locator('tbody tr[aria-rowindex="121"]');
  await expect(last).toBeVisible();
  await expect(last.getByRole('cell').nth(4)).toHaveText('+120');
  expect(await rows.count()).toBeLessThan(120);
});
