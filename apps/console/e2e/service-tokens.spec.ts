import { apiClient, expect, openSignedIn, refusal, snap, test, uniqueId } from './support';

// Dates on this page follow the browser's locale and time zone: run as a British browser in UTC.
test.use({ locale: 'en-GB', timezoneId: 'UTC' });
// In order, in one worker: the paging test's many tokens stay out of the first test's screenshot.
test.describe.configure({ mode: 'default' });

/** 'ok', or the appCode the API refused the call with. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch {
    return refusal(call);
  }
}

/** A day about a month ahead, as a date input takes it (yyyy-mm-dd, UTC like the browser here). */
function dayAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('an admin creates a service token for NYC-1, sees it once, then rotates and revokes it; the API obeys each step', async ({
  page,
  world,
  baseURL,
}, testInfo) => {
  const name = `e2e-checkout-${uniqueId().toLowerCase()}`;
  const product = await world.product({ stock: { 'NYC-1': 10, 'DFW-1': 10 } });
  const nyc = await world.warehouse('NYC-1');
  const dfw = await world.warehouse('DFW-1');
  const base = baseURL as string;
  const reserveAt = (token: string, warehouseId: string) =>
    apiClient(base, token).reservations.create.mutate({
      lines: [{ sku: product.sku, quantity: 1, warehouseId }],
    });
  // Polls read (stock:read), so a call that still gets through while a refusal spreads moves no stock.
  const readWith = (token: string) =>
    apiClient(base, token).inventory.get.query({ warehouseId: nyc.id, sku: product.sku });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });

  await openSignedIn(page, { email: 'admin@example.com' }, '/');
  await page.getByRole('navigation').getByRole('link', { name: 'Service tokens' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Service tokens' })).toBeVisible();

  await page.getByRole('button', { name: 'Create token' }).click();
  const form = page.getByRole('region', { name: 'Create a service token' });
  await expect(form.getByLabel('Name')).toBeFocused();

  // Nothing filled in: told next to each field, and the focus goes to the first one to fix.
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Name')).toBeFocused();
  await expect(form.getByText(/Pick at least one scope/)).toBeVisible();

  await page.keyboard.type(name);
  const scopes = form.getByRole('group', { name: /Scopes/ });
  await scopes.getByLabel(/^reservations — /).check();
  await scopes.getByLabel(/^stock:read — /).check();
  const where = form.getByRole('group', { name: /Warehouses/ });
  await expect(where.getByLabel(/NYC-1/)).toBeDisabled();
  await where.getByLabel('Only the warehouses picked below').check();
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(where.getByText(/Pick at least one warehouse/)).toBeVisible();
  await where.getByLabel(/NYC-1/).check();
  const expiresOn = dayAhead(30);
  await form.getByLabel('Expires (optional)').fill(expiresOn);
  await form.getByRole('button', { name: 'Create token' }).click();

  // The secret, once: a dialog that Escape does not close, with a copy button that has the focus.
  const created = page.getByRole('dialog', { name: `Token “${name}” created` });
  await expect(created).toBeVisible();
  await expect(created).toContainText('You will not see this token again');
  const token = await created.getByLabel('Token').inputValue();
  expect(token).toMatch(/^sr_live_[A-Za-z0-9_-]{43}$/);
  await expect(created.getByRole('button', { name: 'Copy' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(created.getByRole('status')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await page.keyboard.press('Escape');
  await expect(created).toBeVisible();
  await created.getByRole('button', { name: /I have stored it/ }).click();
  await expect(created).toBeHidden();
  await expect(page.getByRole('heading', { level: 2, name: 'Tokens in use' })).toBeFocused();
  await expect(form).toBeHidden();

  // Listed without its secret: the prefix, scopes, warehouse by code, dates in the browser's locale.
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText(token.slice(0, 12));
  await expect(row.getByRole('list', { name: `Scopes of ${name}` }).getByRole('listitem')).toHaveText([
    'stock:read',
    'reservations',
  ]);
  await expect(row.getByRole('cell').nth(1)).toHaveText('NYC-1');
  await expect(row).toContainText('active');
  await expect(row).toContainText('Not yet');
  const expiry = new Date(`${expiresOn}T23:59:59Z`);
  await expect(row).toContainText(
    new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(expiry),
  );
  expect(await page.content()).not.toContain(token);
  const admin = await world.admin();
  const stored = (await admin.serviceTokens.list.query()).items.find((t) => t.name === name);
  expect(stored).toMatchObject({
    scopes: ['stock:read', 'reservations'],
    warehouseIds: [nyc.id],
    expiresAt: expiry.toISOString(),
    status: 'active',
  });

  // A second token of the same name: the API refuses, and the refusal is announced.
  await page.getByRole('button', { name: 'Create token' }).click();
  await form.getByLabel('Name').fill(name);
  await scopes.getByLabel(/^stock:read — /).check();
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(form.getByRole('alert')).toContainText('VALIDATION_FAILED');
  await expect(form.getByRole('alert')).toContainText('already exists');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toBeHidden();
  await expect(page.getByRole('button', { name: 'Create token' })).toBeFocused();

  // The token holds stock at NYC-1, and is refused at DFW-1, where nothing moves.
  const held = await reserveAt(token, nyc.id);
  expect(held.lines).toEqual([{ sku: product.sku, warehouseId: nyc.id, quantity: 1 }]);
  expect(await refusal(reserveAt(token, dfw.id))).toBe('FORBIDDEN');
  expect(await world.level(product.sku, 'DFW-1')).toMatchObject({ onHand: 10, reserved: 0 });
  expect(await world.level(product.sku, 'NYC-1')).toMatchObject({ onHand: 10, reserved: 1 });
  await page.reload();
  await expect(row).toContainText('active');
  await expect(row).not.toContainText('Not yet');
  expect(await page.content()).not.toContain(token);

  // Rotate from the keyboard alone, keeping the old secret for an hour.
  await row.getByRole('button', { name: `Rotate ${name}` }).focus();
  await page.keyboard.press('Enter');
  const rotate = page.getByRole('dialog', { name: `Rotate “${name}”` });
  await expect(rotate.getByLabel('24 hours (recommended)')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(rotate.getByLabel('1 hour')).toBeChecked();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(rotate.getByRole('button', { name: 'Rotate token' })).toBeFocused();
  await page.keyboard.press('Enter');
  const rotated = page.getByRole('dialog', { name: `New secret for “${name}”` });
  await expect(rotated).toContainText('You will not see this token again');
  await expect(rotated).toContainText('The previous secret keeps working until');
  const second = await rotated.getByLabel('Token').inputValue();
  expect(second).toMatch(/^sr_live_/);
  expect(second).not.toBe(token);
  await rotated.getByRole('button', { name: /I have stored it/ }).click();
  await expect(row.getByRole('button', { name: `Rotate ${name}` })).toBeFocused();
  await expect(row).toContainText(second.slice(0, 12));
  await expect(row).toContainText('previous secret until');
  await snap(page, 'service-tokens', testInfo);
  // Both secrets work during the grace period.
  expect(await outcome(reserveAt(second, nyc.id))).toBe('ok');
  expect(await outcome(reserveAt(token, nyc.id))).toBe('ok');

  // Rotate again with no grace: only the newest secret works; the earlier ones are refused.
  await row.getByRole('button', { name: `Rotate ${name}` }).click();
  await rotate.getByLabel('No grace: refuse it now').check();
  await rotate.getByRole('button', { name: 'Rotate token' }).click();
  await expect(rotated).toContainText('The previous secret no longer works.');
  const third = await rotated.getByLabel('Token').inputValue();
  await rotated.getByRole('button', { name: /I have stored it/ }).click();
  const refusedWithin5s = { timeout: 5_000, intervals: [100] };
  await expect.poll(() => outcome(readWith(second)), refusedWithin5s).toBe('UNAUTHENTICATED');
  await expect.poll(() => outcome(readWith(token)), refusedWithin5s).toBe('UNAUTHENTICATED');
  expect(await refusal(reserveAt(second, nyc.id))).toBe('UNAUTHENTICATED');
  expect(await refusal(reserveAt(token, nyc.id))).toBe('UNAUTHENTICATED');
  expect(await outcome(reserveAt(third, nyc.id))).toBe('ok');
  expect(await world.level(product.sku, 'NYC-1')).toMatchObject({ onHand: 10, reserved: 4 });

  // Revoke: Escape backs out (focus returns to the button); confirming names the token.
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  const revoke = page.getByRole('dialog', { name: `Revoke “${name}”?` });
  await expect(revoke.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(revoke).toBeHidden();
  await expect(row.getByRole('button', { name: `Revoke ${name}` })).toBeFocused();
  await page.keyboard.press('Enter');
  await revoke.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect.poll(() => outcome(readWith(third)), refusedWithin5s).toBe('UNAUTHENTICATED');
  expect(await refusal(reserveAt(third, nyc.id))).toBe('UNAUTHENTICATED');
  await expect(revoke).toBeHidden();
  await expect(row).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 2, name: 'Tokens in use' })).toBeFocused();
  await page.getByLabel('Show revoked tokens').check();
  await expect(row).toContainText('revoked');
  await expect(row.getByRole('button')).toHaveCount(0);
  expect(await world.level(product.sku, 'NYC-1')).toMatchObject({ onHand: 10, reserved: 4 });
});

test('service tokens are for admins only: staff get no link, the page says so, the API refuses', async ({
  page,
  world,
}) => {
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, '/service-tokens');
  await expect(page.getByText('This page is not available to your account')).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Service tokens' })).toHaveCount(0);
  expect(await refusal(world.as(staff.session).serviceTokens.list.query())).toBe('FORBIDDEN');
});

test('service tokens are listed newest first, 25 at a time, with older ones on request', async ({
  page,
  world,
}) => {
  const admin = await world.admin();
  const prefix = `e2e-page-${uniqueId().toLowerCase()}`;
  const names = Array.from({ length: 26 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
  // One after another, so that creation order is the list's order.
  for (const name of names) await admin.serviceTokens.create.mutate({ name, scopes: ['stock:read'] });

  await openSignedIn(page, { email: 'admin@example.com' }, '/service-tokens');
  const rowOf = (name: string) => page.getByRole('row', { name: new RegExp(`${name}(?!\\d)`) });
  await expect(rowOf(names[25] as string)).toBeVisible();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(26); // a header and 25 tokens
  await expect(rowOf(names[0] as string)).toHaveCount(0);
  await page.getByRole('button', { name: 'Load older tokens' }).click();
  await expect(rowOf(names[0] as string)).toBeVisible();
});
