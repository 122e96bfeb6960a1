import { expect, openSignedIn, refusal, test, uniqueId } from './support';

test('an admin adds a staff member, changes their role and warehouses, disables and enables them', async ({
  page,
  world,
}) => {
  const email = `e2e-user-${uniqueId().toLowerCase()}@example.com`;
  const password = `tulip kettle ${uniqueId()}`;
  await openSignedIn(page, { email: 'admin@example.com' }, '/users');
  await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();

  await page.getByRole('button', { name: 'Add user' }).click();
  const form = page.getByRole('region', { name: 'Add a user' });
  // The first field has the focus: the form is usable from the keyboard alone.
  await expect(form.getByLabel('Email')).toBeFocused();
  await page.keyboard.type(email);
  await form.getByLabel('Name').fill('Erin Example');
  await form.getByLabel('Role').selectOption('staff');

  // Too short: told next to the field before asking the API.
  await form.getByLabel('Password').fill('short-pw');
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(form.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('The password must be at least 12 characters.')).toBeVisible();
  await expect(form.getByText(/Pick at least one warehouse/)).toBeVisible();

  // Long enough but common: the API refuses it, and says why.
  await form.getByLabel('Password').fill('password1234');
  await form
    .getByRole('group', { name: /Warehouses/ })
    .getByLabel(/NYC-1/)
    .check();
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(form.getByRole('alert')).toContainText('VALIDATION_FAILED');
  await expect(form.getByRole('alert')).toContainText('too common');

  await form.getByLabel('Password').fill(password);
  await form.getByLabel('Password').press('Enter');
  await expect(form).toBeHidden();

  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(row).toContainText('staff');
  await expect(row).toContainText('NYC-1');
  await expect(row).toContainText('active');
  // The new account signs in with that password.
  const session = await world.login(email, password);
  expect(session.user).toMatchObject({ role: 'staff', name: 'Erin Example' });

  // Change the role's warehouses: NYC-1 and DFW-1.
  await row.getByRole('button', { name: `Edit ${email}` }).click();
  const edit = page.getByRole('region', { name: `Edit ${email}` });
  await edit
    .getByRole('group', { name: /Warehouses/ })
    .getByLabel(/DFW-1/)
    .check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('DFW-1, NYC-1'); // by code

  // Then make them a seller: warehouses go with the staff role.
  await row.getByRole('button', { name: `Edit ${email}` }).click();
  await edit.getByLabel('Role').selectOption('seller');
  await expect(edit.getByRole('group', { name: /Warehouses/ })).toHaveCount(0);
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('seller');
  const admin = await world.admin();
  const stored = (await admin.users.list.query()).find((u) => u.email === email);
  expect(stored).toMatchObject({ role: 'seller', warehouseIds: [], active: true });

  // Disable: the account can no longer sign in. Enable: it can again.
  await row.getByRole('button', { name: `Disable ${email}` }).click();
  await expect(row).toContainText('disabled');
  expect(await refusal(world.login(email, password))).toBe('UNAUTHENTICATED');
  await row.getByRole('button', { name: `Enable ${email}` }).click();
  await expect(row).toContainText('active');
  expect((await world.login(email, password)).user.role).toBe('seller');

  // An admin cannot disable themselves from here.
  const mine = page.getByRole('row', { name: /admin@example\.com/ });
  await expect(mine.getByRole('button', { name: /Disable/ })).toHaveCount(0);
});

test('the Users page is for admins only', async ({ page, world }) => {
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, staff, '/users');
  await expect(page.getByText('This page is not available to your account')).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Users' })).toHaveCount(0);
  expect(await refusal(world.as(staff.session).users.list.query())).toBe('FORBIDDEN');
});
