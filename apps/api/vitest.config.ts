import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['../../packages/db/src/test-global-setup.ts'],
    // The fault-injection suite runs on its own (`pnpm test:chaos`).
    exclude: ['**/node_modules/**', 'chaos/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
