import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// int8 (bigint) and numeric come back as strings by default. Every bigint we store
// (ids of the ledger and outbox, versions, prices) stays far below 2^53, so parse
// them as numbers once, here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export type Db = Kysely<Database>;

export interface CreateDbOptions {
  connectionString: string;
  /** Pool size (default 10). */
  max?: number;
  /** Abort statements running longer than this (ms). */
  statementTimeoutMs?: number;
  /** Kill sessions idle inside a transaction longer than this (ms). */
  idleInTransactionTimeoutMs?: number;
  applicationName?: string;
}

export function createPool(options: CreateDbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'stockroom',
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** A Kysely handle over a pg Pool, with the one camelCase mechanism of the project. */
export function createDb(options: CreateDbOptions): { db: Db; pool: pg.Pool } {
  const pool = createPool(options);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  return { db, pool };
}
