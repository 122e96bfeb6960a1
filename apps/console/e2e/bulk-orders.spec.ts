/**
 * Bulk work on orders: several orders picked, then shipped (a tracking number per
 * shipment), each sent on its own and reported on its own — one order that
 * cannot be picked is refused with its exact code while the others go through.
 */
import { expect, openSignedIn, snap, test } from './support';

test('bulk pick reports the one refusal and picks the rest; bulk ship ships them with their tracking numbers', async ({
  page,
  world,
}, testInfo) => {
  const nyc = await world.warehouse('NYC-1');
  const product = await world.product({ stock: { 'NYC-1': 20 } });
  const service = world.service();
  const orders = [];
  for (let i = 0; i < 4; i++) {
    orders.push(
      await service.orders.create.mutate({
        lines: [{ sku: product.sku, quantity: 1, warehouseId: nyc.id }],
        customer: { name: `Bulk customer ${i}`, email: `bulk${i}@example.com` },
        shipTo: { latitude: 40.71, longitude: -74 },
      }),
    );
  }
  const admin = await world.admin();
  const [refused, ...rest] = orders as [(typeof orders)[number], ...typeof orders];
  await admin.orders.cancel.mutate({ id: refused.id, reason: 'customer changed their mind' });

  await openSignedIn(page, { email: 'admin@example.com' }, '/orders?status=all');
  for (const order of orders) await page.getByLabel(`Select order #${order.number}`, { exact: true }).check();
  await page.getByRole('toolbar', { name: 'Selected orders' }).getByRole('button', { name: 'Pick' }).click();

  const report = page.getByRole('list', { name: 'Result per order' });
  await expect(page.getByRole('heading', { name: '3 done, 1 refused' })).toBeVisible();
  await expect(report.getByRole('listitem').filter({ hasText: `Order #${refused.number} ` })).toContainText(
    'refused (INVALID_TRANSITION)',
  );
  for (const order of rest) {
    await expect(report.getByRole('listitem').filter({ hasText: `Order #${order.number} ` })).toContainText(
      'done',
    );
    expect((await admin.orders.get.query({ id: order.id })).status).toBe('picking');
  }
  expect((await admin.orders.get.query({ id: refused.id })).status).toBe('cancelled');
  await snap(page, 'orders-bulk', testInfo);

  for (const order of rest) await page.getByLabel(`Select order #${order.number}`, { exact: true }).check();
  await page.getByRole('toolbar', { name: 'Selected orders' }).getByRole('button', { name: 'Ship…' }).click();
  const form = page.getByRole('form', { name: 'Ship the selected orders' });
  for (const order of rest) {
    await form
      .getByLabel(`Tracking number, order #${order.number} from NYC-1`)
      .fill(`1Z-BULK-${order.number}`);
  }
  await form.getByRole('button', { name: 'Ship 3 shipments' }).click();
  await expect(page.getByRole('heading', { name: '3 done, 0 refused' })).toBeVisible();
  for (const order of rest) {
    const shipped = await admin.orders.get.query({ id: order.id });
    expect(shipped.status).toBe('shipped');
    expect(JSON.stringify(shipped)).toContain(`1Z-BULK-${order.number}`);
  }
});
