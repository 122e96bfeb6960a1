import { defineConfig } from 'vitest/config';

/**
 * The high-availability suite (`pnpm test:ha`): a Patroni cluster (etcd, three
 * PostgreSQL 15 nodes, HAProxy, PgBouncer) of its own on loopback ports
 * 26000–26999, faults injected one after another in one file (figures printed
 * per fault with console.log); and a primary with a late-applying streaming
 * replica for lag-tolerant reads (replica.test.ts).
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
