import { expect, openSignedIn, test, uniqueId } from './support';

test('an admin adds a warehouse and edits it; mistakes are explained next to the field', async ({
  page,
  world,
}) => {
  const code = `E2E-${uniqueId()}`.slice(0, 16);
  await openSignedIn(page, { email: 'admin@example.com' }, '/warehouses');

  await page.getByRole('button', { name: 'Add warehouse' }).click();
  const form = page.getByRole('region', { name: 'Add a warehouse' });
  await form.getByLabel('Code').fill(code);
  await form.getByLabel('Name').fill('Denver (Aurora)');
  await form.getByLabel('Latitude').fill('139.74');
  await form.getByLabel('Longitude').fill('-104.83');
  await form.getByLabel('Time zone').fill('America/Denver');
  await form.getByRole('button', { name: 'Add warehouse' }).click();
  await expect(form.getByLabel('Latitude')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Latitude is a number from -90 to 90.')).toBeVisible();

  await form.getByLabel('Latitude').fill('39.74');
  await form.getByLabel('Capacity in units (optional)').fill('40000');
  await form.getByRole('button', { name: 'Add warehouse' }).click();
  await expect(form).toBeHidden();

  const row = page.getByRole('row', { name: new RegExp(code) });
  await expect(row).toContainText('Denver (Aurora)');
  await expect(row).toContainText('39.7400° N, 104.8300° W');
  await expect(row).toContainText('40,000');
  await expect(page.getByRole('img', { name: /Map of \d+ warehouses/ })).toHaveAccessibleName(
    new RegExp(code),
  );

  await row.getByRole('button', { name: `Edit ${code}` }).click();
  const edit = page.getByRole('region', { name: `Edit ${code}` });
  await edit.getByLabel('Name').fill('Denver (Aurora) North');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('Denver (Aurora) North');

  const stored = await world.warehouse(code);
  expect(stored).toMatchObject({ name: 'Denver (Aurora) North', latitude: 39.74, capacity: 40_000 });
});

test('the API’s refusal is shown next to the form (a duplicate code)', async ({ page }) => {
  await openSignedIn(page, { email: 'admin@example.com' }, '/warehouses');
  await page.getByRole('button', { name: 'Add warehouse' }).click();
  const form = page.getByRole('region', { name: 'Add a warehouse' });
  await form.getByLabel('Code').fill('NYC-1');
  await form.getByLabel('Name').fill('Another New York');
  await form.getByLabel('Latitude').fill('40.7');
  await form.getByLabel('Longitude').fill('-74');
  await form.getByRole('button', { name: 'Add warehouse' }).click();
  await expect(form.getByRole('alert')).toContainText(/NYC-1/);
  await expect(form).toBeVisible();
});
