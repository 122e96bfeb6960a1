import { expect, openSignedIn, snap, test } from './support';

test('the race demo lets exactly the available number of buyers win', async ({ page, world }, testInfo) => {
  const product = await world.product({ stock: { 'NYC-1': 7 } });
  await openSignedIn(page, { email: 'admin@example.com' }, '/race');
  await page.getByRole('combobox', { name: 'Product' }).fill(product.sku);
  await page.getByRole('option', { name: new RegExp(product.sku) }).click();
  await page.getByLabel('Warehouse').selectOption({ label: 'NYC-1 — New York (Secaucus)' });
  await page.getByLabel('Buyers at once').fill('25');
  await page.getByLabel('Units each').fill('1');
  await expect(page.getByText('Now 7 available')).toBeVisible();
  await page.getByRole('button', { name: 'Run the race' }).click();

  const result = page.getByRole('region', { name: 'Result' });
  await expect(result.getByTestId('race-attempted')).toHaveText('25');
  await expect(result.getByTestId('race-succeeded')).toHaveText('7');
  await expect(result.getByTestId('race-failed')).toHaveText('18');
  await expect(result).toContainText('No oversell');
  await expect(result.getByRole('row', { name: /Before/ })).toContainText('7');
  await snap(page, 'race-demo', testInfo);

  const level = await world.level(product.sku, 'NYC-1');
  expect(level).toMatchObject({ onHand: 7, reserved: 7, available: 0 });
});
