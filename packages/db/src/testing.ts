/**
 * Real PostgreSQL for tests. A vitest globalSetup (`test-global-setup.ts`) uses
 * the server at DATABASE_URL, or starts an embedded one, and migrates a template
 * database once. Each test file then gets its own copy with `createTestDatabase()`
 * (CREATE DATABASE … TEMPLATE): isolated, and fast to make.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from './connection.js';
import { withDatabase } from './embedded.js';

export interface TestDatabaseInfo {
  /** URL of a maintenance database on the test server. */
  serverUrl: string;
  /** Name of the migrated template database. */
  template: string;
  /** The same server through PgBouncer (transaction pooling), when STOCKROOM_TEST_PGBOUNCER=1. */
  pooledServerUrl?: string | undefined;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseInfo;
  }
}

export interface TestDatabase {
  db: Db;
  pool: pg.Pool;
  url: string;
  /** The database through PgBouncer, when the run has one (STOCKROOM_TEST_PGBOUNCER=1). */
  pooledUrl: string | undefined;
  name: string;
  destroy(): Promise<void>;
}

export async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated, empty database of its own for one test file. */
export async function createTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const info = inject('testDatabase');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await adminQuery(info.serverUrl, `create database ${name} template ${info.template}`);
  const url = withDatabase(info.serverUrl, name);
  // Tests queue hundreds of calls on a small pool on shared CI cores: waiting for a
  // connection is not what they measure, so they wait longer than a server would.
  const { db, pool } = createDb({
    connectionString: url,
    max: options.max ?? 20,
    connectionTimeoutMs: 60_000,
  });
  return {
    db,
    pool,
    url,
    pooledUrl: info.pooledServerUrl ? withDatabase(info.pooledServerUrl, name) : undefined,
    name,
    async destroy() {
      await db.destroy();
      await adminQuery(info.serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
