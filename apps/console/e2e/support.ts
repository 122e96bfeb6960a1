/**
 * Test data and sessions, made through the real API with a typed client. Every
 * test builds its own products, users and orders with unique names, so tests
 * can run in parallel and in any order.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import type { AppRouter, RouterOutputs } from '@stockroom/api';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';

export type Session = RouterOutputs['auth']['login'];
export type Api = ReturnType<typeof apiClient>;

const DEMO_PASSWORD = 'stockroom';

export function apiClient(baseURL: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseURL}/trpc`,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

/** A short id that no other test (or run) uses. */
export function uniqueId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

/** A made-up, pronounceable word (so search has something only this test's product matches). */
export function madeUpWord(length = 8): string {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  let word = '';
  for (let i = 0; i < length; i++) {
    const set = i % 2 === 0 ? consonants : vowels;
    word += set[Math.floor(Math.random() * set.length)];
  }
  return word;
}

/** The AppCode an API call was refused with. */
export async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return String(error.data?.appCode);
    throw error;
  }
  throw new Error('expected the API to refuse the call');
}

export class World {
  private adminSession: Session | undefined;

  constructor(readonly baseURL: string) {}

  async login(email: string, password = DEMO_PASSWORD): Promise<Session> {
    return apiClient(this.baseURL).auth.login.mutate({ email, password });
  }

  async admin(): Promise<Api> {
    this.adminSession ??= await this.login('admin@example.com');
    return apiClient(this.baseURL, this.adminSession.token);
  }

  /** The checkout service (the demo seed's service token). */
  service(): Api {
    return apiClient(this.baseURL, 'dev-service-token');
  }

  as(session: Session): Api {
    return apiClient(this.baseURL, session.token);
  }

  async warehouse(code: string) {
    const warehouses = await (await this.admin()).warehouses.list.query();
    const found = warehouses.find((w) => w.code === code);
    if (!found) throw new Error(`no warehouse ${code}`);
    return found;
  }

  /** A product of this test's own, optionally with stock received at some warehouses. */
  async product(options: { name?: string; stock?: Record<string, number> } = {}) {
    const admin = await this.admin();
    const id = uniqueId();
    const product = await admin.products.create.mutate({
      sku: `E2E-${id}`,
      name: options.name ?? `Test Widget ${id}`,
      category: 'E2E Gear',
      priceMinor: 2_500,
      currency: 'USD',
    });
    for (const [code, quantity] of Object.entries(options.stock ?? {})) {
      const warehouse = await this.warehouse(code);
      await admin.inventory.receive.mutate({ warehouseId: warehouse.id, sku: product.sku, quantity });
    }
    return product;
  }

  /** A staff member working in the given warehouses, signed in. */
  async staff(warehouseCodes: string[]): Promise<{ email: string; password: string; session: Session }> {
    const admin = await this.admin();
    const warehouseIds = await Promise.all(warehouseCodes.map(async (c) => (await this.warehouse(c)).id));
    const email = `staff-${uniqueId().toLowerCase()}@example.com`;
    const password = `pw-${uniqueId()}`;
    await admin.users.create.mutate({
      email,
      password,
      name: `Staff ${warehouseCodes.join('+')}`,
      role: 'staff',
      warehouseIds,
    });
    return { email, password, session: await this.login(email, password) };
  }

  async level(sku: string, warehouseCode: string) {
    const warehouse = await this.warehouse(warehouseCode);
    return (await this.admin()).inventory.get.query({ warehouseId: warehouse.id, sku });
  }
}

/**
 * Open the console signed in as this person: sign in through the console's own
 * endpoint (the browser context keeps the httpOnly session cookie), and keep its
 * answer where the sign-in page would put it.
 */
export async function openSignedIn(
  page: Page,
  who: { email: string; password?: string },
  path: string,
): Promise<void> {
  const response = await page.request.post('/auth/session', {
    data: { email: who.email, password: who.password ?? DEMO_PASSWORD },
  });
  expect(response.ok()).toBe(true);
  const session = await response.json();
  await page.goto('/sign-in');
  await page.evaluate((value) => localStorage.setItem('stockroom.session', value), JSON.stringify(session));
  await page.goto(path);
}

const screenshotDir = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/**
 * A screenshot as an artifact of the test and, unless `docs` is false, for the
 * README (docs/screenshots/<name>.png).
 */
export async function snap(
  page: Page,
  name: string,
  testInfo: TestInfo,
  options: { docs?: boolean; fullPage?: boolean } = {},
) {
  mkdirSync(screenshotDir, { recursive: true });
  // Wait for placeholders to give way to data, so the picture shows the page as people see it.
  await expect(page.locator('.skeleton, .loading')).toHaveCount(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  const path = options.docs === false ? testInfo.outputPath(`${name}.png`) : `${screenshotDir}${name}.png`;
  const body = await page.screenshot({ path, fullPage: options.fullPage ?? true, animations: 'disabled' });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

export const test = base.extend<{ world: World }>({
  world: async ({ baseURL }, use) => {
    await use(new World(baseURL ?? 'http://127.0.0.1:3100'));
  },
});

export { expect };
