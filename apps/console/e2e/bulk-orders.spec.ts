import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openSignedIn, snap, test } from './support';

/** No serious or critical axe violations on the page as it is now. */
async function expectNoSeriousA11yIssues(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('bulk pick reports the one refused order and picks the rest; bulk ship takes carrier and tracking per order', async ({
  page,
  world,
}, testInfo) => {
  test.slow(); // two bulk runs over four orders, each checked through the API
  const admin = await world.admin();
  const product = await world.product({ stock: { 'NYC-1': 30 } });
  const nyc = await world.warehouse('NYC-1');
  const staff = await world.staff(['NYC-1']);
  const place = () =>
    admin.orders.create.mutate({
      lines: [{ sku: product.sku, quantity: 2, warehouseId: nyc.id }],
      customer: { name: 'Bulk Customer', email: 'bulk@example.com' },
      shipTo: { latitude: 40.75, longitude: -73.99 },
    });
  const paid = [await place(), await place(), await place()] as const;
  const cancelled = await place();
  await admin.orders.cancel.mutate({ id: cancelled.id, reason: 'customer changed their mind' });

  await openSignedIn(page, staff, '/orders?status=all');
  const select = (n: number) => page.getByRole('checkbox', { name: `Select order #${n}`, exact: true });
  // Keyboard: Space ticks a focused checkbox.
  await select(paid[0].number).focus();
  await page.keyboard.press('Space');
  for (const order of [paid[1], paid[2], cancelled]) await select(order.number).check();

  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bar).toContainText('4 orders selected');
  await bar.getByRole('button', { name: 'Pick 4' }).click();

  const results = page.getByRole('region', { name: 'Pick results' });
  await expect(results.getByRole('status')).toHaveText('Pick: 3 of 4 done, 1 refused.');
  const refusedRow = results.getByRole('row', { name: new RegExp(`#${cancelled.number}\\b`) });
  await expect(refusedRow).toContainText('INVALID_TRANSITION');
  for (const order of paid) {
    await expect(results.getByRole('row', { name: new RegExp(`#${order.number}\\b`) })).toContainText(
      'Picking started',
    );
    expect((await admin.orders.get.query({ id: order.id })).status).toBe('picking');
  }
  expect((await admin.orders.get.query({ id: cancelled.id })).status).toBe('cancelled');
  await snap(page, 'orders-bulk-pick', testInfo);
  await expectNoSeriousA11yIssues(page);

  // The refused order stays selected; the picked ones left the selection.
  await expect(bar).toContainText('1 order selected');
  await expect(select(cancelled.number)).toBeChecked();
  await select(cancelled.number).uncheck();
  for (const order of paid) await select(order.number).check();

  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Ship 3…' }).click();
  const form = page.getByRole('form', { name: 'Ship the selected orders' });
  const carriers = ['UPS', 'DHL', 'FedEx'];
  for (const [i, order] of paid.entries()) {
    const what = `order #${order.number} from NYC-1`;
    await form.getByLabel(`Carrier for ${what}`).fill(carriers[i] as string);
    await form.getByLabel(`Tracking number for ${what}`).fill(`TRK-${order.number}`);
  }
  await expectNoSeriousA11yIssues(page);
  await form.getByRole('button', { name: 'Ship 3 shipments' }).click();

  const shipped = page.getByRole('region', { name: 'Ship results' });
  await expect(shipped.getByRole('status')).toHaveText('Ship: 3 of 3 done.');
  for (const [i, order] of paid.entries()) {
    const after = await admin.orders.get.query({ id: order.id });
    expect(after.status).toBe('shipped');
    expect(after.shipments.map((s) => [s.carrier, s.trackingNumber])).toEqual([
      [carriers[i], `TRK-${order.number}`],
    ]);
  }
});
