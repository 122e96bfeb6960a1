import { defineConfig } from 'vitest/config';

// Fast unit tests of the console's logic; the browser tests in e2e/ run with Playwright (`pnpm e2e`).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
