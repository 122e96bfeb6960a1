import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the real API and a fresh embedded PostgreSQL. The API
 * serves the built console (run `vite build` first: `pnpm e2e` does), seeds the
 * demo data, and every test creates the products, users and orders it needs.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
const PG_PORT = Number(process.env.E2E_PG_PORT ?? 54400);
const dataDir = fileURLToPath(new URL('../../.data/e2e', import.meta.url));
// The system's Chromium (scripts/ensure-system-deps.mjs finds or installs it, in the same order).
const chromium =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => existsSync(file)) ??
  '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: process.env.CI
    ? [['list']]
    : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // Figures are checked as an en-US browser shows them (the console formats in the browser's locale).
    locale: 'en-US',
    viewport: { width: 1366, height: 900 },
    // Debian's Chromium: Playwright's own browser downloads are not used.
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    // Always a fresh embedded database, even where DATABASE_URL points at a shared one.
    command: `unset DATABASE_URL; rm -rf '${dataDir}' && pnpm --filter @stockroom/api start`,
    env: {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(PG_PORT),
      PORT: String(PORT),
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
    },
    url: `http://127.0.0.1:${PORT}/ready`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // Let the API stop its embedded PostgreSQL cleanly.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
});
