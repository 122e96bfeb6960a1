import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['../../packages/db/src/test-global-setup.ts'],
    // The fault-injection and high-availability suites run on their own
    // (`pnpm test:chaos`, `pnpm test:ha`), the API suite's files only here.
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'chaos/**', 'ha/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
