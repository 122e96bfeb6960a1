import { expect, openSignedIn, snap, test } from './support';

/**
 * Every main page opens without an error, at laptop and tablet widths, and is
 * pictured for the README. The dashboard gets some activity first: orders in
 * several states and a pending hold.
 */
const PAGES = [
  { path: '/', heading: 'Dashboard', shot: 'dashboard' },
  { path: '/products?q=wool', heading: 'Products', shot: 'search' },
  { path: '/warehouses', heading: 'Warehouses', shot: 'warehouses' },
  { path: '/events', heading: 'Event log', shot: 'event-log' },
];

for (const { path, heading, shot } of PAGES) {
  test(`${heading} page`, async ({ page, world }, testInfo) => {
    const product = await world.product({ stock: { 'NYC-1': 12, 'CHI-1': 4 } });
    const admin = await world.admin();
    const nyc = await world.warehouse('NYC-1');
    const customer = { name: 'Page Tour', email: 'page-tour@example.com' };
    const shipTo = { latitude: 40.7, longitude: -74 };
    await admin.orders.create.mutate({
      lines: [{ sku: product.sku, quantity: 2, warehouseId: nyc.id }],
      customer,
      shipTo,
    });
    const picking = await admin.orders.create.mutate({
      lines: [{ sku: product.sku, quantity: 1 }],
      customer,
      shipTo,
    });
    await admin.orders.updateStatus.mutate({ id: picking.id, status: 'picking' });
    await world.service().checkout.start.mutate({ shipTo, lines: [{ sku: product.sku, quantity: 3 }] });

    await openSignedIn(page, { email: 'admin@example.com' }, path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    if (path === '/') {
      // The counts follow the orders just placed.
      const paidCount = page
        .getByRole('region', { name: 'Orders by status' })
        .getByRole('listitem')
        .filter({ hasText: /^Paid/ })
        .locator('.status-bars__count');
      await expect(paidCount).not.toHaveText('0');
      // The feed is live: an order placed now arrives at its top (other tests' activity may
      // already have pushed the orders placed above out of the newest events it shows).
      const live = await admin.orders.create.mutate({
        lines: [{ sku: product.sku, quantity: 1, warehouseId: nyc.id }],
        customer,
        shipTo,
      });
      await expect(page.getByRole('region', { name: 'Live activity' })).toContainText(
        `Order #${live.number}`,
      );
    }
    if (path.startsWith('/products')) {
      // The query came from the URL; ↓ highlights the second result.
      const results = page.getByRole('listbox', { name: 'Search results' }).getByRole('option');
      await expect(results.nth(1)).toBeVisible();
      await page.getByRole('combobox', { name: /search products/i }).focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await expect(results.nth(1)).toHaveAttribute('aria-selected', 'true');
    }
    await expect(page.locator('.alert--error')).toHaveCount(0);
    // Long lists are pictured as far as one screen shows.
    await snap(page, shot, testInfo, { fullPage: path !== '/events' });

    // Tablet width: nothing wider than the window.
    await page.setViewportSize({ width: 820, height: 1180 });
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snap(page, `${shot}-tablet`, testInfo, { fullPage: path !== '/events' });
  });
}
