import { createHash } from 'node:crypto';
import {
  CamelCasePlugin,
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  sql,
  type TransactionSettings,
} from 'kysely';
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
  /** Give up waiting for a free pool connection after this (ms; default 10 000). */
  connectionTimeoutMs?: number;
  /**
   * The connection string points at a transaction pooler (PgBouncer,
   * pool_mode=transaction): each transaction may run on another server session,
   * so nothing session-scoped is sent — no timeouts as startup parameters (they
   * are the role's defaults in the database instead, `setRoleTimeouts`) and no
   * named prepared statements (a library naming one gets an unnamed one).
   */
  pooled?: boolean;
}

/** How much longer than any statement or idle transaction may last a connection may stay silent. */
const STALL_MARGIN_MS = 5_000;

export function createPool(options: CreateDbOptions): pg.Pool {
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const idleInTransactionTimeout = options.idleInTransactionTimeoutMs ?? 60_000;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'stockroom',
    ...(options.pooled
      ? {}
      : {
          statement_timeout: statementTimeout,
          idle_in_transaction_session_timeout: idleInTransactionTimeout,
        }),
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
  });
  // The server ends any statement or idle transaction past its timeout, so a connection
  // silent for longer than both is stalled (the network dropped without a reset): without
  // this, the request on it waited until TCP gave up (many minutes) and held its pool slot.
  const stallMs =
    statementTimeout > 0 && idleInTransactionTimeout > 0
      ? Math.max(statementTimeout, idleInTransactionTimeout) + STALL_MARGIN_MS
      : 0;
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {});
  // Nor a checked-out one: pg-pool listens for errors only on idle clients, and Kysely
  // not at all, so a connection that dies between two queries of a request or
  // transaction (database restart, idle-in-transaction timeout) emitted an unhandled
  // 'error' and killed the process. The client is marked unusable: its next query
  // fails (answered 503 UNAVAILABLE) and the pool discards it when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    if (options.pooled) unnameStatements(client);
    else prepareMarked(client);
    if (stallMs > 0) {
      // Its query fails with ETIMEDOUT (answered 503 UNAVAILABLE) and the pool drops it.
      const socket = (client as unknown as { connection: { stream: import('node:net').Socket } }).connection
        .stream;
      socket.setTimeout(stallMs, () => {
        socket.destroy(Object.assign(new Error('database connection stalled'), { code: 'ETIMEDOUT' }));
      });
    }
  });
  return pool;
}

/**
 * A statement whose text holds this mark is prepared once per connection (a named
 * statement, the name a hash of its text) instead of parsed and planned on every
 * run: PostgreSQL then reuses its plan. For the hot statements whose planning
 * costs as much as their execution — search, and the reservation, idempotency,
 * ledger and order writes (measured with pg_stat_statements.track_planning: a
 * checkout spent 560 ms planning for 614 ms executing over 200 flows). Only
 * statements of fixed text carry it (their inputs are parameters: JSON record
 * sets, arrays), and a connection prepares at most MAX_PREPARED of them; past
 * that a marked statement runs unnamed. Not behind a transaction pooler (see
 * unnameStatements): there every statement stays unnamed. A marked statement
 * names the columns it returns, never `*`: once a migration adds a column, a
 * prepared `*` fails with "cached plan must not change result type" on every
 * connection that prepared it (a rolling upgrade's old processes).
 */
export const PREPARED_MARK = '/* prepared */';
const MAX_PREPARED = 200;
/** Statement text → its name, shared by every connection (the hash is not free on long texts). */
const preparedNames = new Map<string, string>();

function preparedName(text: string): string {
  let name = preparedNames.get(text);
  if (name === undefined) {
    name = `sr_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (preparedNames.size < 4 * MAX_PREPARED) preparedNames.set(text, name);
  }
  return name;
}

function prepareMarked(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const prepared = new Set<string>();
  const patched = (config: unknown, ...rest: unknown[]) => {
    if (typeof config === 'string' && config.includes(PREPARED_MARK)) {
      const name = preparedName(config);
      if (prepared.has(name) || prepared.size < MAX_PREPARED) {
        prepared.add(name);
        const values = Array.isArray(rest[0]) ? rest[0] : undefined;
        return query({ name, text: config, values }, ...(values ? rest.slice(1) : rest));
      }
    }
    return query(config, ...rest);
  };
  client.query = patched as typeof client.query;
}

/**
 * A named prepared statement lives in one server session, which a transaction
 * pooler does not keep for us: the next use of the name may land on a session
 * that never saw it. Strip the name (rate-limiter-flexible names its queries):
 * the statement is then parsed each time, as every Kysely query already is.
 */
function unnameStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const patched = (config: unknown, ...rest: unknown[]) => {
    if (typeof config === 'object' && config !== null && 'name' in config && !('submit' in config)) {
      const { name: _name, ...unnamed } = config as Record<string, unknown>;
      return query(unnamed, ...rest);
    }
    return query(config, ...rest);
  };
  client.query = patched as typeof client.query;
}

/**
 * Store the timeouts as the current role's defaults in the current database
 * (`ALTER ROLE … IN DATABASE … SET`), for connections through a transaction
 * pooler, where per-session startup parameters cannot be carried: every server
 * session the pooler opens afterwards starts with them. Run it over a direct
 * connection at start; sessions the pooler already holds keep their old values
 * until it recycles them (server_lifetime).
 */
export async function setRoleTimeouts(
  db: Kysely<Database>,
  options: { statementTimeoutMs: number; idleInTransactionTimeoutMs: number },
): Promise<void> {
  const statement = Math.trunc(options.statementTimeoutMs);
  const idle = Math.trunc(options.idleInTransactionTimeoutMs);
  await sql
    .raw(
      `do $$ begin
        execute format('alter role %I in database %I set statement_timeout = %L',
          current_user, current_database(), '${statement}ms');
        execute format('alter role %I in database %I set idle_in_transaction_session_timeout = %L',
          current_user, current_database(), '${idle}ms');
      end $$`,
    )
    .execute(db);
}

/**
 * How a plain transaction (no isolation level or access mode of its own: every
 * write) begins. Its statements are key lookups and record-set writes whose best
 * plan does not depend on the values, yet PostgreSQL kept planning several prepared
 * ones on every call (a parameter that picks a branch makes each custom plan look
 * cheaper than the generic one): `pg_stat_statements` over 640 checkouts showed 1.9 s
 * planning against 4.3 s executing. So such a transaction uses each prepared
 * statement's generic plan, planned once per connection — set in the same round trip
 * as `begin` (one simple-protocol message), not a statement of its own. It only
 * concerns named (marked) statements: unnamed ones are always planned for their values.
 */
export const BEGIN_WRITE_TRANSACTION = 'begin; set local plan_cache_mode = force_generic_plan';

/**
 * Marks a statement that inserts into the events outbox (core's `insertEvents`,
 * the order events): the driver tells `onOutboxCommit` hooks when it commits.
 */
export const OUTBOX_MARK = '/* outbox */';

class StockroomDriver extends PostgresDriver {
  private readonly watched = new WeakSet<DatabaseConnection>();
  private readonly inTransaction = new WeakSet<DatabaseConnection>();
  /** Connections whose open transaction ran an outbox statement. */
  private readonly wroteOutbox = new WeakSet<DatabaseConnection>();
  readonly outboxHooks = new Set<() => void>();

  override async acquireConnection(): Promise<DatabaseConnection> {
    // Kysely keeps one connection object per pooled client: watch each once.
    const connection = await super.acquireConnection();
    if (!this.watched.has(connection)) this.watch(connection);
    return connection;
  }

  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    if (settings.isolationLevel || settings.accessMode) {
      await super.beginTransaction(connection, settings);
    } else {
      await connection.executeQuery(CompiledQuery.raw(BEGIN_WRITE_TRANSACTION));
    }
    this.inTransaction.add(connection);
  }

  override async commitTransaction(connection: DatabaseConnection) {
    this.inTransaction.delete(connection);
    const wrote = this.wroteOutbox.delete(connection);
    await super.commitTransaction(connection);
    if (wrote) this.outboxCommitted();
  }

  override async rollbackTransaction(connection: DatabaseConnection) {
    this.inTransaction.delete(connection);
    this.wroteOutbox.delete(connection);
    await super.rollbackTransaction(connection);
  }

  private watch(connection: DatabaseConnection): void {
    this.watched.add(connection);
    const execute = connection.executeQuery.bind(connection);
    connection.executeQuery = (async (query: CompiledQuery) => {
      if (!query.sql.includes(OUTBOX_MARK)) return execute(query);
      const result = await execute(query);
      if (this.inTransaction.has(connection)) this.wroteOutbox.add(connection);
      else this.outboxCommitted(); // a statement of its own commits as it ends
      return result;
    }) as DatabaseConnection['executeQuery'];
  }

  private outboxCommitted(): void {
    for (const hook of this.outboxHooks) {
      try {
        hook();
      } catch {
        // A hook must never make a committed transaction look failed.
      }
    }
  }
}

class StockroomDialect extends PostgresDialect {
  readonly driver: StockroomDriver;
  constructor(settings: PostgresDialectConfig) {
    super(settings);
    this.driver = new StockroomDriver(settings);
  }
  override createDriver() {
    return this.driver;
  }
}

const driverOf = new WeakMap<Db, StockroomDriver>();

/**
 * Call `hook` after each transaction (or statement of its own) of `db` that
 * inserted into the events outbox commits — the API announces those events to
 * every process (apps/api/src/events/announcer.ts). Returns a function that
 * removes it. Only for a `db` made by `createDb`.
 */
export function onOutboxCommit(db: Db, hook: () => void): () => void {
  const driver = driverOf.get(db);
  if (!driver) throw new Error('onOutboxCommit: this Kysely instance was not made by createDb');
  driver.outboxHooks.add(hook);
  return () => driver.outboxHooks.delete(hook);
}

/** A Kysely handle over a pg Pool, with the one camelCase mechanism of the project. */
export function createDb(options: CreateDbOptions): { db: Db; pool: pg.Pool } {
  const pool = createPool(options);
  const dialect = new StockroomDialect({ pool });
  const db = new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] });
  driverOf.set(db, dialect.driver);
  return { db, pool };
}
