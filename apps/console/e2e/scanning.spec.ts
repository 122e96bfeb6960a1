/**
 * A barcode scanner is a keyboard that types a SKU 0–10 ms a key and presses
 * Enter. Products whose SKUs share prefixes (…-MON-01, …-MON-001, …-MON-0012):
 * Enter must act on exactly the SKU typed, every time — on product search and at
 * the receiving station — and an unknown SKU must be refused without moving stock.
 */
import { TRPCClientError } from '@trpc/client';
import { expect, openSignedIn, snap, test, uniqueId, type World } from './support';

const refusalOf = async (error: unknown) =>
  error instanceof TRPCClientError ? String(error.data?.appCode) : undefined;

const DELAYS = [0, 10];

async function prefixFamily(world: World) {
  const admin = await world.admin();
  const id = uniqueId();
  const skus = [`SCN${id}-MON-01`, `SCN${id}-MON-001`, `SCN${id}-MON-0012`, `SCN${id}-MON-1`];
  for (const sku of skus) {
    await admin.products.create.mutate({
      sku,
      name: `Scan monitor ${sku.slice(-7)}`,
      category: 'E2E Scan',
      priceMinor: 9_900,
      currency: 'USD',
    });
  }
  return { admin, skus };
}

test('search: Enter after a SKU typed at scanner speed opens exactly that product', async ({
  page,
  world,
}) => {
  // Eight full page loads and scans (two speeds × four SKUs): ~40 s alone, more beside the other workers.
  test.setTimeout(120_000);
  const { skus } = await prefixFamily(world);
  await openSignedIn(page, { email: 'staff@example.com' }, '/products');
  for (const delay of DELAYS) {
    // Longest first and shortest last: each is a prefix of another's results.
    for (const sku of [...skus].reverse()) {
      await page.goto('/products');
      const box = page.getByRole('combobox', { name: /search products/i });
      await box.focus();
      await page.keyboard.type(sku, { delay });
      await page.keyboard.press('Enter');
      await expect(page, `${sku} at ${delay} ms a key`).toHaveURL(new RegExp(`/products/${sku}$`));
    }
  }
});

test('receiving: each scan receives into exactly the SKU scanned; an unknown SKU moves nothing', async ({
  page,
  world,
}, testInfo) => {
  const { admin, skus } = await prefixFamily(world);
  const nyc = await world.warehouse('NYC-1');
  const onHand = async () =>
    Promise.all(
      skus.map(async (sku) => {
        try {
          return (await admin.inventory.get.query({ warehouseId: nyc.id, sku })).onHand;
        } catch (error) {
          if ((await refusalOf(error)) === 'NOT_FOUND') return 0; // no level yet
          throw error;
        }
      }),
    );
  await openSignedIn(page, { email: 'admin@example.com' }, '/receive');
  await page.getByLabel('Warehouse').selectOption(nyc.id);
  await page.getByLabel('Units per scan').fill('4');
  const scan = page.getByLabel('Scan a SKU');

  const expected = skus.map(() => 0);
  for (const delay of DELAYS) {
    for (const [index, sku] of [...skus.entries()].reverse()) {
      await scan.focus();
      await page.keyboard.type(sku, { delay });
      await page.keyboard.press('Enter');
      expected[index] = (expected[index] ?? 0) + 4;
      // This scan's own confirmation (the SKU followed by its name), not the previous one's.
      await expect(page.getByRole('status')).toContainText(`Received 4 × ${sku} (`);
      expect(await onHand(), `after ${sku} at ${delay} ms a key`).toEqual(expected);
    }
  }

  // A SKU nobody has (one more character than a real one) is refused; nothing moves.
  await scan.focus();
  await page.keyboard.type(`${skus[2]}9`, { delay: 0 });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText(`Unknown SKU “${skus[2]}9”: nothing received.`);
  expect(await onHand()).toEqual(expected);
  await snap(page, 'receive', testInfo);
});

test('pick/pack: scans of the order’s SKU count towards its line; another SKU and one too many are refused', async ({
  page,
  world,
}) => {
  const { skus } = await prefixFamily(world);
  const [ordered, other] = skus as [string, string];
  const admin = await world.admin();
  const nyc = await world.warehouse('NYC-1');
  await admin.inventory.receive.mutate({ warehouseId: nyc.id, sku: ordered, quantity: 5 });
  const order = await world.service().orders.create.mutate({
    lines: [{ sku: ordered, quantity: 2, warehouseId: nyc.id }],
    customer: { name: 'Pack check', email: 'pack@example.com' },
    shipTo: { latitude: 40.7, longitude: -74 },
  });
  await openSignedIn(page, { email: 'admin@example.com' }, `/orders/${order.id}`);
  const scan = page.getByLabel('Scan an item');
  for (const [code, expected] of [
    [other, `${other} (Scan monitor ${other.slice(-7)}) is not in order #${order.number}.`],
    [ordered, `${ordered} scanned: 1 of 2.`],
    [ordered, `${ordered} scanned. All 2 units of order #${order.number} are scanned.`],
    [ordered, `All 2 of ${ordered} are already scanned.`],
  ] as const) {
    await scan.focus();
    await page.keyboard.type(code, { delay: 0 });
    await page.keyboard.press('Enter');
    await expect(page.getByText(expected)).toBeVisible();
  }
  await expect(page.getByRole('list', { name: 'Units scanned per line' })).toContainText(
    `${ordered} 2 / 2 scanned`,
  );
});
