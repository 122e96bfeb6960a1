import type { Page } from '@playwright/test';
import { expect, madeUpWord, openSignedIn, snap, test } from './support';

const stockRow = (page: Page, code: string) =>
  page.getByRole('region', { name: 'Stock by warehouse' }).getByRole('row', { name: new RegExp(code) });

test('staff finds a product by a misspelled partial name, receives 10 units and sees the ledger', async ({
  page,
  world,
}, testInfo) => {
  const word = madeUpWord(8);
  const product = await world.product({
    name: `${word[0]?.toUpperCase()}${word.slice(1)} Lantern`,
    stock: { 'NYC-1': 5 },
  });
  const staff = await world.staff(['NYC-1']);

  // Sign in through the form; the console remembers where it was sent from.
  await page.goto('/products');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fproducts/);
  await page.getByLabel('Email').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/products$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();

  // A letter missing and the second word cut short: "karutovi lantern" → "karuovi lant".
  const misspelled = `${word.slice(0, 4)}${word.slice(5)} lant`;
  await page.keyboard.press('/');
  await expect(page.getByRole('combobox', { name: /search products/i })).toBeFocused();
  await page.keyboard.type(misspelled, { delay: 30 });
  await expect(page).toHaveURL(
    new RegExp(`q=${encodeURIComponent(misspelled).replace(/%20/g, '(\\+|%20)')}`),
  );
  const results = page.getByRole('listbox', { name: 'Search results' }).getByRole('option');
  const option = results.filter({ hasText: product.name });
  await expect(option).toBeVisible();
  await snap(page, 'search-misspelled', testInfo, { docs: false });

  // Keyboard: move to the result and open it.
  const index = (await results.allTextContents()).findIndex((text) => text.includes(product.sku));
  expect(index).toBeGreaterThanOrEqual(0);
  for (let i = 0; i <= index; i++) await page.keyboard.press('ArrowDown');
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`/products/${product.sku}`);
  await expect(page.getByRole('heading', { level: 1, name: product.name })).toBeVisible();

  const row = stockRow(page, 'NYC-1');
  await expect(row.getByRole('cell').first()).toHaveText('5');

  await page.getByRole('button', { name: 'Receive at NYC-1' }).click();
  await page.getByLabel('Units received').fill('10');
  await page.getByLabel('Reason (optional)').fill(`PO-${product.sku}`);
  await page.getByRole('button', { name: 'Receive', exact: true }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Receive done at NYC-1' })).toContainText(
    '15 on hand',
  );
  await expect(row.getByRole('cell').first()).toHaveText('15');
  expect((await world.level(product.sku, 'NYC-1')).onHand).toBe(15);

  // The receipt is in the product's recent movements and in the full ledger.
  const recent = page.getByRole('region', { name: 'Recent movements' });
  await expect(recent.getByRole('row', { name: new RegExp(`PO-${product.sku}`) })).toContainText('+10');
  await snap(page, 'product-stock', testInfo);

  await recent.getByRole('link', { name: 'Full ledger' }).click();
  await expect(page).toHaveURL(`/movements?sku=${product.sku}`);
  const ledgerRow = page.getByRole('row', { name: new RegExp(`PO-${product.sku}`) });
  await expect(ledgerRow).toContainText('receive');
  await expect(ledgerRow).toContainText('+10');
  await expect(ledgerRow).toContainText('you');
  await expect(page.getByRole('row', { name: /receive/ })).toHaveCount(2);
  await snap(page, 'movements', testInfo);
});

test('two people adjust the same level: the second sees the conflict and re-applies on the new value', async ({
  browser,
  world,
}, testInfo) => {
  const product = await world.product({ stock: { 'NYC-1': 20 } });
  const first = await world.staff(['NYC-1']);
  const second = await world.staff(['NYC-1']);
  const before = await world.level(product.sku, 'NYC-1');

  const contextA = await browser.newContext();
  const contextB = await browser.newContext();
  const a = await contextA.newPage();
  const b = await contextB.newPage();
  await openSignedIn(a, first, `/products/${product.sku}`);
  await openSignedIn(b, second, `/products/${product.sku}`);

  // Both open the adjust form on the same version.
  for (const page of [a, b]) {
    await expect(stockRow(page, 'NYC-1')).toContainText(`v${before.version}`);
    await page.getByRole('button', { name: 'Adjust at NYC-1' }).click();
  }

  await a.getByLabel(/Change in units/).fill('-3');
  await a.getByLabel('Reason').fill('damaged in transit');
  await a.getByRole('button', { name: 'Adjust', exact: true }).click();
  await expect(a.getByRole('status').filter({ hasText: 'Adjust done' })).toContainText('17 on hand');

  await b.getByLabel(/Change in units/).fill('-5');
  await b.getByLabel('Reason').fill('recount');
  await b.getByRole('button', { name: 'Adjust', exact: true }).click();

  const conflict = b.getByRole('region', { name: 'Someone changed this level first' });
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText(`You started from v${before.version}`);
  await expect(conflict).toContainText(`It is now v${before.version + 1}: 17 on hand`);
  await expect(conflict.getByRole('listitem').first()).toContainText('-3 on hand');
  await expect(conflict).toContainText('damaged in transit');
  await expect(conflict).toContainText('17 → 12 on hand');
  // Nothing was overwritten behind anyone's back.
  expect((await world.level(product.sku, 'NYC-1')).onHand).toBe(17);
  await snap(b, 'stock-conflict', testInfo);

  await conflict.getByRole('button', { name: 'Re-apply -5 on the new value' }).click();
  await expect(b.getByRole('status').filter({ hasText: 'Adjust done' })).toContainText('12 on hand');
  await expect(stockRow(b, 'NYC-1').getByRole('cell').first()).toHaveText('12');
  // The first person's page follows live.
  await expect(stockRow(a, 'NYC-1').getByRole('cell').first()).toHaveText('12');

  const after = await world.level(product.sku, 'NYC-1');
  expect(after).toMatchObject({ onHand: 12, version: before.version + 2 });
  const ledger = await (await world.admin()).inventory.movements.query({ sku: product.sku, limit: 10 });
  expect(ledger.items.filter((m) => m.kind === 'adjust').map((m) => m.onHandDelta)).toEqual([-5, -3]);

  await contextA.close();
  await contextB.close();
});
