import { expect, openSignedIn, test, uniqueId, type World } from './support';

/** A buyer of this test's own (the demo buyer's caps are shared with other tests). */
async function newBuyer(world: World) {
  const email = `buyer-${uniqueId().toLowerCase()}@example.com`;
  const password = `pw-${uniqueId()}`;
  await (await world.admin()).users.create.mutate({ email, password, name: 'Waiting Buyer', role: 'buyer' });
  const session = await world.login(email, password);
  return { email, password, api: world.as(session) };
}

test('My waitlist: a buyer sees only their own entries and leaves them; an offered entry gives its held units back', async ({
  page,
  world,
}) => {
  const buyer = await newBuyer(world);
  const other = await newBuyer(world);
  const waitingFor = await world.product();
  const offeredFor = await world.product();
  const waiting = await buyer.api.waitlist.join.mutate({ sku: waitingFor.sku, quantity: 2 });
  const offered = await buyer.api.waitlist.join.mutate({ sku: offeredFor.sku, quantity: 3 });
  const notMine = await other.api.waitlist.join.mutate({ sku: waitingFor.sku, quantity: 1 });
  // Stock arrives: it is offered to the waiting buyer as a hold.
  const nyc = await world.warehouse('NYC-1');
  await (await world.admin()).inventory.receive.mutate({
    warehouseId: nyc.id,
    sku: offeredFor.sku,
    quantity: 3,
  });
  await expect
    .poll(
      async () => (await buyer.api.waitlist.list.query({})).items.find((e) => e.id === offered.id)?.status,
    )
    .toBe('offered');
  expect((await world.level(offeredFor.sku, 'NYC-1')).available).toBe(0);

  await openSignedIn(page, buyer, '/');
  await page.getByRole('navigation').getByRole('link', { name: 'My waitlist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My waitlist' })).toBeVisible();
  const waitingRow = page.getByRole('row').filter({ hasText: waitingFor.sku });
  const offeredRow = page.getByRole('row').filter({ hasText: offeredFor.sku });
  await expect(waitingRow).toContainText('Waiting');
  await expect(offeredRow).toContainText('Offered');
  // The other buyer's entry for the same product is not shown.
  await expect(waitingRow).toHaveCount(1);

  await waitingRow.getByRole('button', { name: `Leave the waitlist for ${waitingFor.sku}` }).click();
  await expect(waitingRow).toContainText('Cancelled');
  await expect(waitingRow.getByRole('button', { name: /Leave/ })).toHaveCount(0);

  page.once('dialog', (dialog) => dialog.accept());
  await offeredRow.getByRole('button', { name: `Leave the waitlist for ${offeredFor.sku}` }).click();
  await expect(offeredRow).toContainText('Cancelled');

  const entries = (await buyer.api.waitlist.list.query({})).items;
  expect(entries.map((e) => [e.id, e.status]).sort()).toEqual(
    [
      [waiting.id, 'cancelled'],
      [offered.id, 'cancelled'],
    ].sort(),
  );
  // The hold made for the offer is released: the units are on the shelf again.
  expect((await world.level(offeredFor.sku, 'NYC-1')).available).toBe(3);
  // The other buyer still waits.
  expect((await other.api.waitlist.list.query({})).items.map((e) => [e.id, e.status])).toEqual([
    [notMine.id, 'waiting'],
  ]);
});
