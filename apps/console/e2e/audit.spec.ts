import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, openSignedIn, snap, test } from './support';

/** The e2e API's embedded PostgreSQL (playwright.config.ts), for the one test that breaks a level on purpose. */
const PG_URL = `postgres://postgres:postgres@127.0.0.1:${process.env.E2E_PG_PORT ?? 54400}/postgres`;
const psql = ['/usr/bin/psql', '/usr/local/bin/psql'].find((file) => existsSync(file));
const sql = (statement: string) =>
  execFileSync(psql ?? 'psql', [PG_URL, '-v', 'ON_ERROR_STOP=1', '-c', statement]);

// One after the other: the second test breaks a level for a moment, which the first would see.
test.describe.configure({ mode: 'serial' });

test('an admin runs the audit and sees no mismatches', async ({ page }) => {
  await openSignedIn(page, { email: 'admin@example.com' }, '/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeVisible();
  await page.getByRole('button', { name: 'Run audit' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'No mismatches' })).toContainText(
    'stock levels agree with the ledger',
  );
  await expect(page.getByRole('table')).toHaveCount(0);
});

test('a stock level changed behind the ledger’s back is reported by the audit', async ({
  page,
  world,
}, testInfo) => {
  // psql comes with Debian's postgresql-15, which scripts/ensure-system-deps.mjs installs.
  if (!psql) throw new Error('psql is missing: run node scripts/ensure-system-deps.mjs');
  const product = await world.product({ stock: { 'NYC-1': 10 } });
  const nyc = await world.warehouse('NYC-1');
  const where = `product_id = (select id from products where sku = '${product.sku}') and warehouse_id = '${nyc.id}'`;
  sql(`update stock_levels set on_hand = on_hand + 3 where ${where}`);
  try {
    await openSignedIn(page, { email: 'admin@example.com' }, '/audit');
    await page.getByRole('button', { name: 'Run audit' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'mismatch' })).toContainText('1 mismatch in');
    const row = page.getByRole('row').filter({ hasText: product.sku });
    await expect(row).toContainText('NYC-1');
    await expect(row).toContainText('Level ≠ ledger');
    await expect(row.getByRole('cell').nth(2)).toHaveText('13');
    await expect(row.getByRole('cell').nth(3)).toHaveText('10');
    await expect(row).toContainText('+3 / 0');
    await snap(page, 'audit', testInfo);
  } finally {
    sql(`update stock_levels set on_hand = on_hand - 3 where ${where}`);
  }
  await page.getByRole('button', { name: 'Run audit' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'No mismatches' })).toBeVisible();
});
