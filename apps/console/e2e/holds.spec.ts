import { expect, openSignedIn, snap, test } from './support';

test('Holds page: staff sees a buyer’s hold with time left, releases it with a reason, and the units come back', async ({
  page,
  world,
}, testInfo) => {
  const product = await world.product({ stock: { 'NYC-1': 10 } });
  const nyc = await world.warehouse('NYC-1');
  const buyer = world.as(await world.login('buyer@example.com'));
  const hold = await buyer.reservations.create.mutate({
    lines: [{ sku: product.sku, quantity: 3, warehouseId: nyc.id }],
    ttlSeconds: 1200,
    reference: `e2e-${product.sku}`,
  });
  expect((await world.level(product.sku, 'NYC-1')).available).toBe(7);

  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, '/');
  await page.getByRole('link', { name: 'Holds', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Holds' })).toBeVisible();
  await page.getByLabel('Warehouse').selectOption({ label: 'NYC-1' });
  await expect(page).toHaveURL(/warehouse=/);

  const row = page.locator(`tr[data-hold-id="${hold.id}"]`);
  await expect(row).toContainText(product.sku);
  await expect(row).toContainText('3 at NYC-1');
  await expect(row).toContainText('buyer@example.com');
  await expect(row).toContainText(`e2e-${product.sku}`);
  await expect(row).toContainText('Pending');
  // Time left counts down (20 minutes asked for: somewhere in 19:xx or 20:00).
  const timeLeft = row.getByRole('cell').nth(4);
  await expect(timeLeft).toHaveText(/^(19:[0-5]\d|20:00)$/);
  const first = await timeLeft.textContent();
  await expect(timeLeft).not.toHaveText(first ?? '');
  await snap(page, 'holds', testInfo, { docs: false });

  await row.getByRole('button', { name: /^Release/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Release this hold?' });
  await expect(dialog).toContainText(`3 × ${product.sku} at NYC-1`);
  await expect(dialog.getByRole('button', { name: 'Release hold' })).toBeDisabled();
  const reason = `customer phoned: cart stuck (${product.sku})`;
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Release hold' }).click();
  await expect(dialog).toBeHidden();

  // The pending list no longer shows it; with every status, it shows as released.
  await expect(row).toHaveCount(0);
  await page.getByLabel('Status').selectOption({ label: 'Released' });
  await expect(row).toContainText('Released');
  await expect(row.getByRole('button', { name: /^Release/ })).toHaveCount(0);

  // The units are back, and the ledger says why.
  const level = await world.level(product.sku, 'NYC-1');
  expect(level).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
  const admin = await world.admin();
  const movements = await admin.inventory.movements.query({ warehouseId: nyc.id, sku: product.sku });
  const release = movements.items.find((m) => m.kind === 'release' && m.reference === hold.id);
  expect(release).toMatchObject({ reservedDelta: -3, reason });
  expect((await buyer.reservations.get.query({ id: hold.id })).status).toBe('released');

  // The product page shows the units available again.
  await page.getByRole('link', { name: product.sku }).first().click();
  await expect(page).toHaveURL(`/products/${product.sku}`);
  await expect(
    page.getByRole('region', { name: 'Stock by warehouse' }).getByRole('row', { name: /NYC-1/ }),
  ).toContainText('10');
});

test('Waitlist view: staff see who waits for what; a buyer who leaves shows as cancelled', async ({
  page,
  world,
}) => {
  const product = await world.product();
  const buyer = world.as(await world.login('buyer@example.com'));
  const entry = await buyer.waitlist.join.mutate({ sku: product.sku, quantity: 4 });
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, '/');
  await page.getByRole('link', { name: 'Waitlist', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Waitlist' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: product.sku });
  await expect(row).toContainText('buyer@example.com');
  await expect(row).toContainText('4');
  await expect(row).toContainText('Waiting');

  expect((await buyer.waitlist.leave.mutate({ id: entry.id })).status).toBe('cancelled');
  await page.getByLabel('Status').selectOption({ label: 'Cancelled' });
  await expect(row).toContainText('Cancelled');
});
