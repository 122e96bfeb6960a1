import { expect, openSignedIn, snap, test, uniqueId } from './support';

/**
 * The catalog (admins): create, edit and archive a product through the console; the
 * API shows each change. The list is by SKU, so this test's SKU starts with "0" to be
 * on the first page however many products other tests have made.
 */
test('an admin creates, edits and archives a product on the Catalog page', async ({
  page,
  world,
}, testInfo) => {
  const id = uniqueId();
  const sku = `0CAT-${id}`;
  const admin = await world.admin();

  await openSignedIn(page, { email: 'admin@example.com' }, '/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();

  await page.getByRole('button', { name: 'New product' }).click();
  await page.getByLabel('SKU').fill(sku);
  await page.getByLabel('Name', { exact: true }).fill(`Catalog lamp ${id}`);
  await page.getByLabel('Category').fill('Lighting');
  await page.getByLabel('Price').fill('12.34');
  await page.getByRole('button', { name: 'Create product' }).click();
  const row = page.getByRole('row').filter({ hasText: sku });
  await expect(row).toContainText(`Catalog lamp ${id}`);
  await expect(row).toContainText('$12.34');
  expect(await admin.products.get.query({ sku })).toMatchObject({
    name: `Catalog lamp ${id}`,
    category: 'Lighting',
    priceMinor: 1234,
    currency: 'USD',
    active: true,
  });
  await snap(page, 'catalog', testInfo, { fullPage: false });

  await row.getByRole('button', { name: `Edit ${sku}` }).click();
  await expect(page.getByRole('heading', { name: `Edit ${sku}` })).toBeVisible();
  await expect(page.getByLabel('SKU')).toBeDisabled();
  await page.getByLabel('Name', { exact: true }).fill(`Catalog desk lamp ${id}`);
  await page.getByLabel('Price').fill('15');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(row).toContainText(`Catalog desk lamp ${id}`);
  await expect(row).toContainText('$15.00');
  expect(await admin.products.get.query({ sku })).toMatchObject({
    name: `Catalog desk lamp ${id}`,
    priceMinor: 1500,
  });

  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: `Archive ${sku}` }).click();
  await expect(row).toContainText('archived');
  await expect(row.getByRole('button', { name: `Edit ${sku}` })).toHaveCount(0);
  expect((await admin.products.get.query({ sku })).active).toBe(false);
  const found = await admin.products.search.query({ query: sku });
  expect(found.items.map((p) => p.sku)).not.toContain(sku);
});

test('the Catalog page is for admins: staff are told it is not available', async ({ page, world }) => {
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, '/catalog');
  await expect(page.getByText('This page is not available to your account')).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }),
  ).toHaveCount(0);
});
