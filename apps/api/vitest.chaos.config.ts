import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite (`pnpm test:chaos`): one scenario per file, run one
 * file at a time (they kill processes, restart PostgreSQL and load the machine),
 * each bounded in time. Each prints its figures (operations, faults, recovery
 * times, anything lost) with console.log.
 */
export default defineConfig({
  test: {
    globalSetup: ['../../packages/db/src/test-global-setup.ts'],
    include: ['chaos/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
