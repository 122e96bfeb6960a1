/**
 * The process's database: the pool every request uses (DATABASE_URL, or the
 * embedded development server), and the direct connection for what needs a
 * session of its own (DATABASE_DIRECT_URL when DATABASE_URL is a transaction
 * pooler such as PgBouncer; else the same URL): migrations, the role's
 * timeouts, and the LISTEN connection of the event bus. With DATABASE_REPLICA_URL,
 * a pool on the streaming replica for lag-tolerant reads.
 */
import path from 'node:path';
import {
  createDb,
  type EmbeddedServer,
  migrateToLatest,
  setRoleTimeouts,
  startEmbeddedPostgres,
} from '@stockroom/db';
import type { Env } from './env.js';

export async function openDatabase(env: Env) {
  let embedded: EmbeddedServer | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(env.DATA_DIR, 'pg'),
      port: env.EMBEDDED_PG_PORT,
    });
    databaseUrl = embedded.localUrl;
  }
  const pooled = env.DATABASE_DIRECT_URL !== undefined;
  const directUrl = env.DATABASE_DIRECT_URL ?? databaseUrl;
  const timeouts = {
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
  const { db, pool } = createDb({
    connectionString: databaseUrl,
    max: env.DB_POOL_MAX,
    ...timeouts,
    applicationName: 'stockroom-api',
    pooled,
  });
  /**
   * Migrate over the direct connection (Kysely's migrator takes a session-level
   * advisory lock, which a transaction pooler would lose between statements;
   * with it several processes starting together migrate once) and, behind a
   * pooler, store the timeouts as the role's defaults.
   */
  async function migrate(): Promise<void> {
    if (!pooled) {
      await migrateToLatest(db);
      return;
    }
    const direct = createDb({
      connectionString: directUrl,
      max: 1,
      ...timeouts,
      applicationName: 'stockroom-migrate',
    });
    try {
      await migrateToLatest(direct.db);
      await setRoleTimeouts(direct.db, timeouts);
    } finally {
      await direct.db.destroy();
    }
  }
  // Lag-tolerant reads (reads.ts): a pool of its own, the same size and timeouts.
  const replica = env.DATABASE_REPLICA_URL
    ? createDb({
        connectionString: env.DATABASE_REPLICA_URL,
        max: env.DB_POOL_MAX,
        ...timeouts,
        applicationName: 'stockroom-api-reads',
        pooled,
      }).db
    : undefined;
  return { db, pool, replica, directUrl, embedded, migrate };
}
