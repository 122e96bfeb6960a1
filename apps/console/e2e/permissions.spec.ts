import { expect, openSignedIn, refusal, snap, test } from './support';

test('staff of one warehouse get no edit controls elsewhere, and the API refuses if forced', async ({
  page,
  world,
}) => {
  const product = await world.product({ stock: { 'NYC-1': 10, 'DFW-1': 10 } });
  const staff = await world.staff(['NYC-1']);
  const dfw = await world.warehouse('DFW-1');
  const before = await world.level(product.sku, 'DFW-1');

  await openSignedIn(page, staff, `/products/${product.sku}`);
  const stock = page.getByRole('region', { name: 'Stock by warehouse' });
  const own = stock.getByRole('row', { name: /NYC-1/ });
  const other = stock.getByRole('row', { name: /DFW-1/ });
  await expect(own.getByRole('button', { name: 'Receive at NYC-1' })).toBeEnabled();
  await expect(own.getByRole('button', { name: 'Adjust at NYC-1' })).toBeEnabled();
  await expect(other).toContainText('View only');
  await expect(other.getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /at DFW-1/ })).toHaveCount(0);

  // Forcing it through the API does not work either.
  const api = world.as(staff.session);
  expect(
    await refusal(api.inventory.receive.mutate({ warehouseId: dfw.id, sku: product.sku, quantity: 5 })),
  ).toBe('FORBIDDEN');
  expect(
    await refusal(
      api.inventory.adjust.mutate({
        warehouseId: dfw.id,
        sku: product.sku,
        delta: -5,
        expectedVersion: before.version,
        reason: 'forced',
      }),
    ),
  ).toBe('FORBIDDEN');
  expect(
    await refusal(
      api.inventory.set.mutate({
        warehouseId: dfw.id,
        sku: product.sku,
        onHand: 0,
        expectedVersion: before.version,
      }),
    ),
  ).toBe('FORBIDDEN');
  expect(await world.level(product.sku, 'DFW-1')).toEqual(before);
});

test('a buyer signs in to the catalogue and their own waitlist, and nothing else', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('buyer@example.com');
  await page.getByLabel('Password').fill('stockroom');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/products/);
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'My waitlist' })).toBeVisible();
  for (const hidden of ['Dashboard', 'Orders', 'Holds', 'Movements', 'Event log', 'Users', 'Webhooks']) {
    await expect(nav.getByRole('link', { name: hidden, exact: true })).toHaveCount(0);
  }
  await page.goto('/orders');
  await expect(page.getByText('This page is not available to your account')).toBeVisible();
});

test('an expired session goes back to sign in and returns to the same page', async ({
  page,
  world,
}, testInfo) => {
  const staff = await world.staff(['NYC-1']);
  // A session the server no longer accepts (as after expiry, sign-out elsewhere or a secret change):
  // signed in, then the cookie spoiled before the console runs (so nothing else notices first).
  const signedIn = await page.request.post('/auth/session', {
    data: { email: staff.email, password: staff.password },
  });
  const session = await signedIn.json();
  const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'sr_session');
  await page
    .context()
    .addCookies([{ ...(cookie as NonNullable<typeof cookie>), value: `${cookie?.value}x` }]);
  await page.goto('/health');
  await page.evaluate((value) => localStorage.setItem('stockroom.session', value), JSON.stringify(session));
  await page.goto('/orders?status=picking');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Forders%3Fstatus%3Dpicking/);
  await expect(page.getByRole('status')).toContainText('Your session expired');
  await snap(page, 'sign-in', testInfo);
  await page.getByLabel('Email').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/orders\?status=picking$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
});

test('the session lives in an httpOnly cookie, and signing out ends it on the server', async ({
  page,
  world,
}) => {
  const staff = await world.staff(['NYC-1']);
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  // No script can read the session token: not in document.cookie, not in storage.
  const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'sr_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(await page.evaluate(() => document.cookie)).not.toContain('sr_session');
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(cookie?.value);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  // The old cookie, replayed, is refused: the session was revoked, not only forgotten.
  const replay = await page.request.get('/trpc/auth.me', {
    headers: { cookie: `sr_session=${cookie?.value}` },
  });
  expect(replay.status()).toBe(401);
});
