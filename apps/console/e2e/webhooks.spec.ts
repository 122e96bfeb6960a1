import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { expect, openSignedIn, refusal, test, uniqueId } from './support';

interface Delivered {
  id: string;
  type: string;
  verified: boolean;
  orderId: unknown;
  /** The request as received, to verify with other secrets. */
  body: string;
  headers: Record<string, string>;
}

/** Whether this secret verifies the request. */
function verifies(delivered: Delivered, secret: string): boolean {
  try {
    new Webhook(secret).verify(delivered.body, delivered.headers);
    return true;
  } catch {
    return false;
  }
}

/** An integrator's endpoint on localhost: verifies each request with the secret copied from the page. */
async function startReceiver() {
  const received: Delivered[] = [];
  let secret = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const payload = JSON.parse(body);
      received.push({
        id: payload.id,
        type: payload.type,
        verified,
        orderId: payload.data?.id,
        body,
        headers: req.headers as Record<string, string>,
      });
      res
        .writeHead(verified ? 200 : 401, { 'content-type': 'text/plain' })
        .end(verified ? 'thanks' : 'bad signature');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stockroom-${uniqueId().toLowerCase()}`,
    received,
    useSecret: (value: string) => {
      secret = value;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

test('an admin adds an endpoint, copies its secret once, reads the delivery log and redelivers', async ({
  page,
  world,
}) => {
  const receiver = await startReceiver();
  const description = `E2E endpoint ${uniqueId()}`;
  try {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await openSignedIn(page, { email: 'admin@example.com' }, '/webhooks');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Webhooks' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const form = page.getByRole('region', { name: 'Add an endpoint' });
    await expect(form.getByLabel('URL')).toBeFocused();
    // Nothing picked: told before asking the API.
    await form.getByLabel('URL').fill(receiver.url);
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(form.getByText('Pick at least one event.')).toBeVisible();

    await form.getByLabel('Description (optional)').fill(description);
    const events = form.getByRole('group', { name: 'Events' });
    await events.getByLabel(/order\.created/).check();
    await events.getByLabel(/order\.paid/).check();
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(form).toBeHidden();

    // The secret, once, with a copy button that puts it on the clipboard.
    const secretPanel = page.getByRole('region', { name: 'Signing secret' });
    const secret = await secretPanel.getByLabel('Secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await secretPanel.getByRole('button', { name: 'Copy' }).click();
    await expect(secretPanel.getByRole('status')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    receiver.useSecret(secret);
    await secretPanel.getByRole('button', { name: 'Done, I saved it' }).click();
    await expect(secretPanel).toBeHidden();
    await expect(page.getByLabel('Secret', { exact: true })).toHaveCount(0);

    const row = page.getByRole('row', { name: new RegExp(description) });
    await expect(row).toContainText('order.created');
    await expect(row).toContainText('order.paid');
    await expect(row).toContainText('active');

    // An order is paid: two signed deliveries reach the receiver, and the log shows them.
    const product = await world.product({ stock: { 'NYC-1': 5 } });
    const nyc = await world.warehouse('NYC-1');
    const order = await world.service().orders.create.mutate({
      lines: [{ sku: product.sku, quantity: 1, warehouseId: nyc.id }],
      customer: { name: 'Webhook Buyer', email: 'webhook-buyer@example.com' },
      shipTo: { latitude: 40.75, longitude: -73.99 },
    });
    // Every order's events reach this endpoint (other tests run alongside): find ours by message id.
    await expect
      .poll(() => receiver.received.filter((r) => r.orderId === order.id).length, { timeout: 15_000 })
      .toBe(2);
    const ours = receiver.received.filter((r) => r.orderId === order.id);
    expect(ours.map((r) => [r.type, r.verified]).sort()).toEqual([
      ['order.created', true],
      ['order.paid', true],
    ]);
    const paidId = ours.find((r) => r.type === 'order.paid')?.id as string;
    const createdId = ours.find((r) => r.type === 'order.created')?.id as string;
    const byMessage = (id: string) => new RegExp(`${id}(?!\\d)`);

    await row.getByRole('button', { name: `Deliveries of ${description}` }).click();
    const log = page.getByRole('region', { name: `Deliveries to ${description}` });
    const paidRow = log.getByRole('row', { name: byMessage(paidId) });
    await expect(paidRow).toContainText('order.paid');
    await expect(paidRow).toContainText('succeeded');
    await expect(paidRow).toContainText('200');
    await expect(paidRow).toContainText(/\d+ ms/);
    await expect(paidRow).toContainText('thanks');
    await expect(log.getByRole('row', { name: byMessage(createdId) })).toContainText('succeeded');

    // Redeliver: the same message (same id) is sent again and logged as a redelivery.
    await paidRow.getByRole('button', { name: /^Redeliver order\.paid/ }).click();
    const again = log.getByRole('row', { name: byMessage(paidId) }).filter({ hasText: 'redelivery' });
    await expect(again).toContainText('succeeded');
    expect(receiver.received.filter((r) => r.id === paidId).map((r) => r.verified)).toEqual([true, true]);

    // Switched off and on again from the list.
    await row.getByRole('button', { name: `Disable ${description}` }).click();
    await expect(row).toContainText('disabled');
    await row.getByRole('button', { name: `Enable ${description}` }).click();
    await expect(row).toContainText('active');

    // Deleted (after a confirmation): gone with its log.
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: `Delete ${description}` }).click();
    await expect(row).toHaveCount(0);
    await expect(log).toBeHidden();
  } finally {
    await receiver.close();
  }
});

test('webhooks are for admins: the page and the API refuse others', async ({ page, world }) => {
  const staff = await world.staff(['NYC-1']);
  await openSignedIn(page, { email: staff.email, password: staff.password }, '/webhooks');
  await expect(page.getByText('This page is not available to your account')).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Webhooks' })).toHaveCount(0);
  expect(await refusal(world.as(staff.session).webhooks.list.query())).toBe('FORBIDDEN');
});

test('an admin rotates a secret: the new one is shown once; meanwhile deliveries verify with the old and the new', async ({
  page,
  world,
}) => {
  const receiver = await startReceiver();
  const description = `E2E rotation ${uniqueId()}`;
  try {
    const admin = await world.admin();
    const hook = await admin.webhooks.create.mutate({
      url: receiver.url,
      events: ['order.paid'],
      description,
    });
    const old = hook.secret;
    await openSignedIn(page, { email: 'admin@example.com' }, '/webhooks');
    const row = page.getByRole('row', { name: new RegExp(description) });
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: `Rotate the secret of ${description}` }).click();

    const secretPanel = page.getByRole('region', { name: 'Signing secret' });
    await expect(secretPanel).toContainText('the old one also signs deliveries until');
    const fresh = await secretPanel.getByLabel('Secret', { exact: true }).inputValue();
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(fresh).not.toBe(old);
    await secretPanel.getByRole('button', { name: 'Done, I saved it' }).click();
    await expect(page.getByLabel('Secret', { exact: true })).toHaveCount(0);
    await expect(row).toContainText('Old secret also signs until');

    // The receiver has not switched yet: it still verifies with the old secret, and so can one on the new.
    receiver.useSecret(old);
    const product = await world.product({ stock: { 'NYC-1': 5 } });
    const nyc = await world.warehouse('NYC-1');
    const order = await world.service().orders.create.mutate({
      lines: [{ sku: product.sku, quantity: 1, warehouseId: nyc.id }],
      customer: { name: 'Rotation Buyer', email: 'rotation-buyer@example.com' },
      shipTo: { latitude: 40.75, longitude: -73.99 },
    });
    await expect.poll(() => receiver.received.filter((r) => r.orderId === order.id).length).toBe(1);
    const delivered = receiver.received.find((r) => r.orderId === order.id) as Delivered;
    expect(delivered.verified).toBe(true);
    expect([verifies(delivered, old), verifies(delivered, fresh)]).toEqual([true, true]);
    expect(delivered.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    await admin.webhooks.delete.mutate({ id: hook.id });
  } finally {
    await receiver.close();
  }
});
