import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from './connection.js';
import { type EmbeddedServer, startEmbeddedPostgres, withDatabase } from './embedded.js';
import { migrateToLatest } from './migrate.js';
import { adminQuery } from './testing.js';

/**
 * vitest globalSetup: a real PostgreSQL server (DATABASE_URL, else embedded in a
 * temporary directory) with a freshly migrated template database.
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
  project.provide('testDatabase', { serverUrl, template });

  return async () => {
    await adminQuery(serverUrl, `drop database if exists ${template} with (force)`).catch(() => {});
    if (embedded) await embedded.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
