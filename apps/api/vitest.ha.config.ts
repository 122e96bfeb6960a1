import { defineConfig } from 'vitest/config';

/**
 * The high-availability suite (`pnpm test:ha`): a Patroni cluster (etcd, three
 * PostgreSQL 15 nodes, HAProxy, PgBouncer) of its own on loopback ports
 * 56000–56999, faults injected one after another in one file. Prints its
 * figures per fault with console.log.
 */
export default defineConfig({
  test: {
    include: ['ha/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
