import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openSignedIn, test, type World } from './support';

/**
 * Every page of the console, checked with axe (WCAG 2 A and AA): no serious or critical
 * violations. One line per page: who opens it, the path (`{sku}` and `{order}` stand for a
 * product and an order this test makes), optionally a button to press first so the
 * page's form or result is checked too, and `dark` to check it in the dark colour scheme.
 */
type Who = 'signed-out' | 'admin' | 'staff' | 'seller' | 'buyer';
const PAGES: { as: Who; path: string; press?: string; dark?: true }[] = [
  { as: 'signed-out', path: '/sign-in' },
  { as: 'admin', path: '/' },
  { as: 'admin', path: '/products?q=wool' },
  { as: 'admin', path: '/products/{sku}' },
  { as: 'admin', path: '/warehouses' },
  { as: 'admin', path: '/catalog', press: 'New product' },
  { as: 'admin', path: '/my-products' },
  { as: 'admin', path: '/sales' },
  { as: 'admin', path: '/orders' },
  { as: 'admin', path: '/orders/{order}' },
  { as: 'admin', path: '/holds' },
  { as: 'admin', path: '/waitlist' },
  { as: 'admin', path: '/movements' },
  { as: 'admin', path: '/stock' },
  { as: 'admin', path: '/stock/import' },
  { as: 'admin', path: '/receive' },
  { as: 'admin', path: '/pick-list' },
  { as: 'admin', path: '/events' },
  { as: 'admin', path: '/users' },
  { as: 'admin', path: '/service-tokens' },
  { as: 'admin', path: '/webhooks' },
  { as: 'admin', path: '/audit', press: 'Run audit' },
  { as: 'admin', path: '/race' },
  { as: 'admin', path: '/no-such-page' },
  { as: 'staff', path: '/' },
  { as: 'staff', path: '/products/{sku}' },
  { as: 'staff', path: '/receive' },
  { as: 'staff', path: '/pick-list' },
  { as: 'seller', path: '/my-products', press: 'New product' },
  { as: 'seller', path: '/sales' },
  { as: 'seller', path: '/products?q=wool' },
  { as: 'buyer', path: '/products?q=wool' },
  { as: 'buyer', path: '/products/{sku}' },
  { as: 'buyer', path: '/my-waitlist' },
  { as: 'buyer', path: '/warehouses' },
  { as: 'signed-out', path: '/sign-in', dark: true },
  { as: 'admin', path: '/', dark: true },
  { as: 'admin', path: '/orders', dark: true },
  { as: 'admin', path: '/orders/{order}', dark: true },
  { as: 'admin', path: '/catalog', press: 'New product', dark: true },
  { as: 'admin', path: '/audit', press: 'Run audit', dark: true },
  { as: 'admin', path: '/holds', dark: true },
  { as: 'admin', path: '/stock', dark: true },
  { as: 'buyer', path: '/products/{sku}', dark: true },
];

/** The path with this test's own product and order put in. */
async function resolvePath(world: World, path: string): Promise<string> {
  if (!path.includes('{')) return path;
  const product = await world.product({ stock: { 'NYC-1': 5 } });
  if (!path.includes('{order}')) return path.replace('{sku}', encodeURIComponent(product.sku));
  const order = await (await world.admin()).orders.create.mutate({
    lines: [{ sku: product.sku, quantity: 1 }],
    customer: { name: 'Axe Check', email: 'axe@example.com' },
    shipTo: { latitude: 40.7, longitude: -74 },
  });
  return path.replace('{order}', order.id);
}

async function open(page: Page, world: World, who: Who, path: string) {
  if (who === 'signed-out') return void (await page.goto(path));
  if (who === 'staff') return openSignedIn(page, await world.staff(['NYC-1']), path);
  return openSignedIn(page, { email: `${who}@example.com` }, path);
}

for (const { as: who, path, press, dark } of PAGES) {
  const title = `axe: ${path} as ${who}${press ? ` (after "${press}")` : ''}${dark ? ', dark' : ''}`;
  test(title, async ({ page, world }) => {
    if (dark) await page.emulateMedia({ colorScheme: 'dark' });
    await open(page, world, who, await resolvePath(world, path));
    await expect(
      page.getByRole('heading', { level: 1 }).or(page.locator('.empty-state')).first(),
    ).toBeVisible();
    if (press) await page.getByRole('button', { name: press }).first().click();
    // Check the page as people see it: data in, placeholders gone, no transition half way.
    await expect(page.locator('.skeleton, .loading')).toHaveCount(0);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    const blocking = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
      }));
    expect(blocking, JSON.stringify(blocking, null, 2)).toEqual([]);
  });
}
