/**
 * A seller's own products and sales: the seller creates a product in the
 * console, the admin receives stock, the checkout service places a paid order
 * through the API, and the seller's Sales page shows the units and revenue.
 * Another seller's products and sales never appear.
 */
import { expect, openSignedIn, refusal, test, uniqueId, type World } from './support';

async function newSeller(world: World) {
  const email = `seller-${uniqueId().toLowerCase()}@example.com`;
  const password = `pw-${uniqueId()}-long-enough`;
  await (await world.admin()).users.create.mutate({
    email,
    password,
    name: `Seller ${email}`,
    role: 'seller',
  });
  return { email, password, session: await world.login(email, password) };
}

test("a seller's products and sales view shows their own sales and nothing of another seller", async ({
  page,
  world,
}) => {
  const alice = await newSeller(world);
  const bob = await newSeller(world);
  const id = uniqueId();
  const sku = `SELL-${id}`;
  const bobSku = `BOB-${id}`;
  await world.as(bob.session).products.create.mutate({
    sku: bobSku,
    name: `Bob's lamp ${id}`,
    category: 'Lighting',
    priceMinor: 9_900,
    currency: 'USD',
  });

  // The seller creates a product in the console.
  // A seller's home is their products.
  await openSignedIn(page, alice, '/');
  await expect(page).toHaveURL(/\/my-products$/);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'My products' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Sales' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Orders' })).toHaveCount(0);
  await page.getByRole('button', { name: 'New product' }).click();
  await page.getByLabel('SKU').fill(sku);
  await page.getByLabel('Name', { exact: true }).fill(`Alice's mug ${id}`);
  await page.getByLabel('Category').fill('Kitchen');
  await page.getByLabel('Price').fill('12.50');
  await page.getByRole('button', { name: 'Create product' }).click();
  const products = page.getByRole('table', { name: 'My products' });
  const row = products.getByRole('row').filter({ hasText: sku });
  await expect(row).toContainText(`Alice's mug ${id}`);
  await expect(row).toContainText('$12.50');
  await expect(row).toContainText('no stock yet');
  await expect(products).not.toContainText(bobSku);

  // The admin receives stock; the checkout service places a paid order with both sellers' products.
  const admin = await world.admin();
  const nyc = await world.warehouse('NYC-1');
  await admin.inventory.receive.mutate({ warehouseId: nyc.id, sku, quantity: 10 });
  await admin.inventory.receive.mutate({ warehouseId: nyc.id, sku: bobSku, quantity: 10 });
  const order = await world.service().orders.create.mutate({
    lines: [
      { sku, quantity: 3, warehouseId: nyc.id },
      { sku: bobSku, quantity: 2, warehouseId: nyc.id },
    ],
    customer: { name: 'Store customer', email: 'customer@example.com' },
    shipTo: { latitude: 40.71, longitude: -74 },
  });
  expect(order.status).toBe('paid');
  // A cancelled order is not a sale.
  const cancelled = await world.service().orders.create.mutate({
    lines: [{ sku, quantity: 1, warehouseId: nyc.id }],
    customer: { name: 'Changed mind', email: 'changed@example.com' },
    shipTo: { latitude: 40.71, longitude: -74 },
  });
  await admin.orders.cancel.mutate({ id: cancelled.id, reason: 'customer changed their mind' });

  // Stock per warehouse on the seller's page.
  await page.reload();
  await expect(row).toContainText('NYC-1');
  await expect(row).toContainText('7 / 7');

  // The Sales page: 3 units, $37.50, nothing of Bob's.
  await nav.getByRole('link', { name: 'Sales' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sales' })).toBeVisible();
  const sales = page.getByRole('table', { name: 'Sales' });
  const saleRow = sales.getByRole('row').filter({ hasText: sku });
  await expect(saleRow).toContainText('3');
  await expect(saleRow).toContainText('$37.50');
  await expect(sales).not.toContainText(bobSku);
  await expect(page.getByTestId('sales-total')).toHaveText(/Total \(USD\)\s*3\s*\$37\.50/);

  // By day: today's UTC row carries the same figures.
  await page.getByLabel('Group by').selectOption('day');
  const today = new Date().toISOString().slice(0, 10);
  await expect(sales.getByRole('row').filter({ hasText: today })).toContainText('$37.50');
  // A range that ended yesterday has no sales.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('To').fill(yesterday);
  await expect(page.getByText('No sales in this range')).toBeVisible();

  // The API agrees, and Bob sees only his own.
  const bobsSales = await world.as(bob.session).orders.sales.query({ groupBy: 'product' });
  expect(bobsSales.rows).toEqual([
    { sku: bobSku, name: `Bob's lamp ${id}`, units: 2, revenueMinor: '19800', currency: 'USD' },
  ]);
  const bobsProducts = await world.as(bob.session).products.mine.query({ limit: 100 });
  expect(bobsProducts.items.map((p) => p.sku)).toEqual([bobSku]);

  // The seller edits the price (past sales keep the price they were sold at), then archives the product.
  await nav.getByRole('link', { name: 'My products' }).click();
  await row.getByRole('button', { name: `Edit ${sku}` }).click();
  await page.getByLabel('Price').fill('15');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(row).toContainText('$15.00');
  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: `Archive ${sku}` }).click();
  await expect(row).toContainText('archived');
  expect((await world.as(alice.session).orders.sales.query({ groupBy: 'product' })).totals).toEqual([
    { currency: 'USD', units: 3, revenueMinor: '3750' },
  ]);
  // Bob cannot archive Alice's product.
  expect(await refusal(world.as(bob.session).products.archive.mutate({ sku }))).toBe('FORBIDDEN');
});
