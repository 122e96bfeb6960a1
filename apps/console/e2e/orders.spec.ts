import { expect, openSignedIn, snap, test } from './support';

test('an order placed through the API appears live; staff pick and ship it and every page follows', async ({
  context,
  page,
  world,
}, testInfo) => {
  const product = await world.product({ stock: { 'NYC-1': 10 } });
  const nyc = await world.warehouse('NYC-1');
  const staff = await world.staff(['NYC-1']);

  await openSignedIn(page, staff, '/orders');
  const toPick = page.getByRole('region', { name: /Ready to pick/ });
  const beingPicked = page.getByRole('region', { name: /Being picked/ });
  await expect(toPick).toBeVisible();
  await expect(page.getByText('Live', { exact: true }).first()).toBeVisible();

  // Placed by another system while the page is open: no reload.
  const order = await (await world.admin()).orders.create.mutate({
    lines: [{ sku: product.sku, quantity: 2, warehouseId: nyc.id }],
    customer: { name: 'E2E Customer', email: 'e2e-customer@example.com' },
    shipTo: { latitude: 40.75, longitude: -73.99, address: '1 Test Plaza, New York' },
  });
  const listed = toPick.getByRole('row', { name: new RegExp(`#${order.number}\\b`) });
  await expect(listed).toBeVisible();
  await expect(listed).toContainText('New');
  await expect(listed).toHaveClass(/row--new/);
  await snap(page, 'orders', testInfo);

  // The order's own page, in a second tab; the list stays open in the first.
  const detail = await context.newPage();
  await detail.goto(`/orders/${order.id}`);
  await expect(detail.getByRole('heading', { level: 1 })).toContainText(`Order #${order.number}`);
  await expect(detail.getByRole('heading', { level: 1 })).toContainText('Paid');

  await detail.getByRole('button', { name: 'Start picking' }).click();
  await expect(detail.getByRole('heading', { level: 1 })).toContainText('Picking');
  await expect(beingPicked.getByRole('row', { name: new RegExp(`#${order.number}\\b`) })).toBeVisible();
  await expect(toPick.getByRole('row', { name: new RegExp(`#${order.number}\\b`) })).toHaveCount(0);

  const ship = detail.getByRole('form', { name: 'Ship from NYC-1' });
  await ship.getByLabel('Carrier').fill('UPS');
  await ship.getByLabel('Tracking number').fill(`1ZE2E${order.number}`);
  await ship.getByRole('button', { name: 'Ship from NYC-1' }).click();
  await expect(detail.getByRole('heading', { level: 1 })).toContainText('Shipped');
  await expect(detail.getByRole('region', { name: 'Shipments' })).toContainText(`1ZE2E${order.number}`);
  await snap(detail, 'order-detail', testInfo);

  // The list (never reloaded) has moved on too.
  await expect(beingPicked.getByRole('row', { name: new RegExp(`#${order.number}\\b`) })).toHaveCount(0);
  await page.getByRole('link', { name: 'Shipped', exact: true }).click();
  await expect(page.getByRole('row', { name: new RegExp(`#${order.number}\\b`) })).toContainText('Shipped');

  const stored = await (await world.admin()).orders.get.query({ id: order.id });
  expect(stored.status).toBe('shipped');
  expect(stored.shipments).toHaveLength(1);
  // Stock left the building: 10 received, 2 shipped.
  expect((await world.level(product.sku, 'NYC-1')).onHand).toBe(8);
});

test('staff cancel an order with a reason, and its units go back on the shelf', async ({ page, world }) => {
  const product = await world.product({ stock: { 'CHI-1': 6 } });
  const chi = await world.warehouse('CHI-1');
  const staff = await world.staff(['CHI-1']);
  const order = await (await world.admin()).orders.create.mutate({
    lines: [{ sku: product.sku, quantity: 4, warehouseId: chi.id }],
    customer: { name: 'Changed Mind', email: 'changed-mind@example.com' },
    shipTo: { latitude: 41.88, longitude: -87.63 },
  });
  expect((await world.level(product.sku, 'CHI-1')).onHand).toBe(2);

  await openSignedIn(page, staff, `/orders/${order.id}`);
  await page.getByRole('button', { name: 'Cancel order…' }).click();
  // A reason is required, and the form says so next to the field.
  await page.getByRole('button', { name: 'Cancel order', exact: true }).click();
  await expect(page.getByText('Say why the order is cancelled.')).toBeVisible();
  await page.getByLabel(`Why is order #${order.number} cancelled?`).fill('customer changed their mind');
  await page.getByRole('button', { name: 'Cancel order', exact: true }).click();

  await expect(page.getByRole('heading', { level: 1 })).toContainText('Cancelled');
  await expect(page.getByText('Cancelled: customer changed their mind')).toBeVisible();
  await expect(page.getByText(/Nothing left to do/)).toBeVisible();
  expect((await world.level(product.sku, 'CHI-1')).onHand).toBe(6);
});
