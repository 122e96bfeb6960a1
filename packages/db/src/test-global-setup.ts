import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from './connection.js';
import { type EmbeddedServer, startEmbeddedPostgres, withDatabase } from './embedded.js';
import { migrateToLatest } from './migrate.js';
import { type PgBouncer, startPgBouncer } from './pgbouncer.js';
import { adminQuery } from './testing.js';

/**
 * vitest globalSetup: a real PostgreSQL server (DATABASE_URL, else embedded in a
 * temporary directory) with a freshly migrated template database. With
 * STOCKROOM_TEST_PGBOUNCER=1 a real PgBouncer in transaction pooling mode runs in
 * front of it too (`pooledServerUrl`), for the API under test to go through.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'stockroom-test-pg-'));
    // The server runs as the `postgres` user when we are root: let it reach its directory.
    await chmod(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'data'), fast: true });
    serverUrl = embedded.url;
  }
  const template = `stockroom_template_${process.pid}`;
  await adminQuery(serverUrl, `drop database if exists ${template}`);
  await adminQuery(serverUrl, `create database ${template}`);
  const { db } = createDb({ connectionString: withDatabase(serverUrl, template), max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  let bouncer: PgBouncer | undefined;
  if (process.env.STOCKROOM_TEST_PGBOUNCER === '1') {
    const server = new URL(serverUrl);
    bouncer = await startPgBouncer({
      server: {
        host: server.hostname,
        port: Number(server.port || 5432),
        user: decodeURIComponent(server.username),
        password: decodeURIComponent(server.password),
      },
    });
  }
  project.provide('testDatabase', { serverUrl, template, pooledServerUrl: bouncer?.pooled(serverUrl) });

  return async () => {
    await bouncer?.stop();
    await adminQuery(serverUrl, `drop database if exists ${template} with (force)`).catch(() => {});
    if (embedded) await embedded.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
