import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['../db/src/test-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test files run in parallel, each in its own database copied from the template.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
