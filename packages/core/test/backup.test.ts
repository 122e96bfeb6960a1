/**
 * Backup and restore (docs/operations.md), proven on a real PostgreSQL server
 * with its own client tools: Debian's PostgreSQL 15 (`pg_dump`, `pg_restore`
 * and the server must be one major version; the embedded PostgreSQL 18 ships no
 * pg_dump). A database is migrated and loaded through the real use cases
 * (receipts, adjustments, holds confirmed, released, expired and pending,
 * checkouts paid, failed, cancelled and shipped, a waitlist, idempotency keys),
 * dumped with `pg_dump -Fc`, and restored twice:
 *
 *   1. into a new database on the same server: every table is identical row for
 *      row, the sequences continue, the schema (CHECKs, triggers) is whole, the
 *      migrations are current, and the audit is clean;
 *   2. into a brand-new server (a restore on another machine): the same, plus the
 *      outbox rebase of docs/operations.md, without which the restored events sit
 *      "in the future" of the new server's transaction counter and no subscriber
 *      would see them, nor any new one, for a long time.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDb, type Db, freePort, migrateToLatest, migrationsCurrent, seedDemo } from '@stockroom/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  adjustStock,
  cancelOrder,
  confirmReservation,
  createReservation,
  getStockLevel,
  joinWaitlist,
  latestPosition,
  paymentFailed,
  paymentSucceeded,
  readEventsAfter,
  receiveStock,
  releaseReservation,
  setCartItem,
  shipOrder,
  startCheckout,
  sweepExpiredReservations,
  updateOrderStatus,
  verifyLedger,
} from './core.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const available = existsSync(path.join(PG_BIN, 'pg_dump')) && existsSync(path.join(PG_BIN, 'postgres'));
if (!available) {
  console.warn(
    `backup.test.ts skipped: no PostgreSQL 15 server and client tools in ${PG_BIN} ` +
      '(Debian: apt-get install -y postgresql-15)',
  );
}

const run = promisify(execFile);

/** The `postgres` system user, when we are root (the server refuses to run as root). */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

interface Cluster {
  port: number;
  url(database: string): string;
  /** Run a client tool (pg_dump, pg_restore, createdb…) against this server. */
  tool(name: string, args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** initdb + pg_ctl start, in `base/<name>`, listening on 127.0.0.1 only, trust auth. */
async function startCluster(base: string, name: string): Promise<Cluster> {
  const user = await serverUser();
  const dir = path.join(base, name);
  await mkdir(dir, { mode: 0o700 });
  if (user) await chown(dir, user.uid, user.gid);
  const asServer = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
  await run(
    path.join(PG_BIN, 'initdb'),
    ['-D', dir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync'],
    { ...asServer, env, cwd: dir },
  );
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
  ].join(' ');
  await run(
    path.join(PG_BIN, 'pg_ctl'),
    ['-D', dir, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start'],
    { ...asServer, env, cwd: dir },
  );
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async tool(tool, args) {
      const { stdout } = await run(
        path.join(PG_BIN, tool),
        ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', ...args],
        { env, maxBuffer: 64 * 1024 * 1024 },
      );
      return stdout;
    },
    async stop() {
      await run(path.join(PG_BIN, 'pg_ctl'), ['-D', dir, '-m', 'fast', '-w', 'stop'], {
        ...asServer,
        env,
        cwd: dir,
      }).catch(() => {});
    },
  };
}

// ---------------------------------------------------------------- loading through the use cases

interface Loaded {
  orders: number;
  reservations: number;
}

async function load(db: Db): Promise<Loaded> {
  await seedDemo(db, { environment: 'test' });
  const userId = async (email: string) =>
    (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const admin: Actor = {
    kind: 'user',
    id: await userId('admin@example.com'),
    role: 'admin',
    warehouseIds: [],
  };
  const buyer: Actor = {
    kind: 'user',
    id: await userId('buyer@example.com'),
    role: 'buyer',
    warehouseIds: [],
  };
  const service: Actor = {
    kind: 'service',
    id: '00000000-0000-4000-8000-00000000beef',
    name: 'checkout',
    scopes: [],
    warehouseIds: null,
  };
  const as = (actor: Actor, key?: string) => ({
    db,
    actor,
    idempotency: key ? { principal: `test:${actor.kind}`, procedure: 'backup', key } : null,
  });

  const warehouses = await db.selectFrom('warehouses').select(['id', 'code']).orderBy('code').execute();
  const products = await db.selectFrom('products').select(['id', 'sku']).orderBy('sku').limit(12).execute();
  expect(warehouses.length).toBeGreaterThanOrEqual(5);
  expect(products.length).toBe(12);
  const shipTo = { latitude: 40.7, longitude: -74 };

  // Receipts and manual adjustments.
  for (const [i, p] of products.entries()) {
    for (const w of warehouses.slice(0, 3)) {
      await receiveStock(as(admin, `rcv-${p.sku}-${w.code}`), {
        warehouseId: w.id,
        sku: p.sku,
        quantity: 5 + i,
        reason: 'backup test receipt',
      });
    }
  }
  for (const p of products.slice(0, 4)) {
    const w = warehouses[0] as { id: string };
    const level = await getStockLevel(db, { warehouseId: w.id, sku: p.sku });
    await adjustStock(as(admin), {
      warehouseId: w.id,
      sku: p.sku,
      delta: -1,
      expectedVersion: level.version,
      reason: 'damaged in handling',
    });
  }

  // Holds: confirmed, released, expired by the sweeper, and some left pending.
  let reservations = 0;
  for (const [i, p] of products.entries()) {
    const hold = await createReservation(as(service, `hold-${i}`), {
      lines: [{ sku: p.sku, quantity: 1 + (i % 3) }],
      shipTo,
      reference: `cart-${i}`,
    });
    reservations++;
    if (i % 4 === 0) await confirmReservation(as(service), { id: hold.id });
    if (i % 4 === 1) await releaseReservation(as(service), { id: hold.id });
  }
  for (const p of products.slice(0, 3)) {
    await createReservation(as(service), { lines: [{ sku: p.sku, quantity: 1 }], ttlSeconds: 1 });
    reservations++;
  }
  await new Promise((r) => setTimeout(r, 1100));
  expect((await sweepExpiredReservations(db)).length).toBeGreaterThanOrEqual(3);

  // Orders: paid and shipped, paid, payment failed (still pending), cancelled.
  let orders = 0;
  const checkout = async (sku: string, quantity: number) => {
    orders++;
    return startCheckout(as(service, `checkout-${orders}`), { shipTo, lines: [{ sku, quantity }] });
  };
  for (const [i, p] of products.slice(0, 8).entries()) {
    const order = await checkout(p.sku, 1 + (i % 2));
    reservations++;
    if (i % 4 === 0) {
      const paid = await paymentSucceeded(as(service, `pay-${order.id}`), {
        orderId: order.id,
        paymentReference: `psp-${i}`,
      });
      await updateOrderStatus(as(admin), { id: paid.id, status: 'picking' });
      for (const warehouseId of new Set(paid.items.map((item) => item.warehouseId))) {
        await shipOrder(as(admin), { id: paid.id, warehouseId, carrier: 'UPS', trackingNumber: `1Z-${i}` });
      }
    } else if (i % 4 === 1) {
      await paymentSucceeded(as(service), { orderId: order.id, paymentReference: `psp-${i}` });
    } else if (i % 4 === 2) {
      await paymentFailed(as(service), { orderId: order.id, reason: 'card declined' });
    } else {
      await cancelOrder(as(admin), { id: order.id, reason: 'customer changed their mind' });
    }
  }

  // A cart and a waitlist entry.
  await setCartItem(as(buyer), { sku: (products[0] as { sku: string }).sku, quantity: 2 });
  await joinWaitlist(as(buyer), { sku: (products[1] as { sku: string }).sku, quantity: 100 }); // BUYER_MAX_HELD_UNITS: an entry asks for at most that

  return { orders, reservations };
}

// ---------------------------------------------------------------- comparing databases

/** Every table of the schema: row count and a digest of its rows, in a stable order. */
async function fingerprint(db: Db): Promise<Record<string, { rows: number; digest: string }>> {
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(db);
  const out: Record<string, { rows: number; digest: string }> = {};
  for (const { name } of tables.rows) {
    const row = await sql<{ rows: number; digest: string }>`
      select count(*)::int as rows,
             md5(coalesce(string_agg(r::text, E'\\n' order by r::text), '')) as digest
      from ${sql.table(name)} r`.execute(db);
    out[name] = row.rows[0] as { rows: number; digest: string };
  }
  return out;
}

async function stockTotals(db: Db) {
  const row = await sql<{ levels: number; onHand: number; reserved: number; movements: number }>`
    select (select count(*) from stock_levels)::int as levels,
           (select coalesce(sum(on_hand), 0) from stock_levels)::int as on_hand,
           (select coalesce(sum(reserved), 0) from stock_levels)::int as reserved,
           (select count(*) from stock_movements)::int as movements`.execute(db);
  return row.rows[0];
}

async function sequences(db: Db) {
  const rows = await sql<{ name: string; lastValue: number | null }>`
    select sequencename as name, last_value from pg_sequences where schemaname = 'public' order by 1`.execute(
    db,
  );
  return rows.rows;
}

/** docs/operations.md, "Restoring on another server": re-base the outbox positions. */
const REBASE_OUTBOX = sql`
  update events set txid = '3'::xid8
  where (select max(txid) from events) >= pg_current_xact_id()`;

// ---------------------------------------------------------------- the test

describe.skipIf(!available)('backup and restore with pg_dump / pg_restore', () => {
  let base: string;
  let primary: Cluster;
  let other: Cluster | undefined;
  const handles: Db[] = [];
  const open = (url: string) => {
    const { db } = createDb({ connectionString: url, max: 4 });
    handles.push(db);
    return db;
  };

  let source: Db;
  let loaded: Loaded;
  let dumpFile: string;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'stockroom-backup-'));
    await chmod(base, 0o755); // the server runs as `postgres` and must reach its directory
    primary = await startCluster(base, 'primary');
    await primary.tool('createdb', ['stockroom']);
    source = open(primary.url('stockroom'));
    await migrateToLatest(source);
    loaded = await load(source);
    dumpFile = path.join(base, 'stockroom.dump');
  }, 120_000);

  afterAll(async () => {
    for (const db of handles) await db.destroy().catch(() => {});
    await other?.stop();
    await primary?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('the loaded database is realistic and its audit is clean', async () => {
    const audit = await verifyLedger(source);
    expect(audit.mismatches).toEqual([]);
    expect(audit.levelsChecked).toBeGreaterThan(36);
    const statuses = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from reservations group by 1 order by 1`.execute(source);
    expect(statuses.rows.map((r) => r.status)).toEqual(['confirmed', 'expired', 'pending', 'released']);
    const orderStatuses = await sql<{
      status: string;
    }>`select distinct status from orders order by 1`.execute(source);
    expect(orderStatuses.rows.map((r) => r.status)).toEqual([
      'cancelled',
      'paid',
      'pending_payment',
      'shipped',
    ]);
    expect((await stockTotals(source))?.reserved).toBeGreaterThan(0); // pending holds survive into the dump
    expect(loaded.orders).toBe(8);
  });

  it('pg_dump -Fc, then pg_restore into a new database: identical, migrated, and the audit is clean', async () => {
    await primary.tool('pg_dump', ['-Fc', '--no-owner', '--no-acl', '-f', dumpFile, '-d', 'stockroom']);
    expect(existsSync(dumpFile)).toBe(true);
    const listing = await primary.tool('pg_restore', ['--list', dumpFile]);
    expect(listing).toContain('TABLE DATA public stock_movements');

    await primary.tool('createdb', ['-T', 'template0', 'stockroom_restored']);
    await primary.tool('pg_restore', [
      '--exit-on-error',
      '--single-transaction',
      '--no-owner',
      '--no-acl',
      '-d',
      'stockroom_restored',
      dumpFile,
    ]);
    const restored = open(primary.url('stockroom_restored'));

    expect(await fingerprint(restored)).toEqual(await fingerprint(source));
    expect(await stockTotals(restored)).toEqual(await stockTotals(source));
    expect(await sequences(restored)).toEqual(await sequences(source));
    expect(await migrationsCurrent(restored)).toBe(true);

    const audit = await verifyLedger(restored);
    expect(audit.mismatches).toEqual([]);
    expect(audit.levelsChecked).toBe((await verifyLedger(source)).levelsChecked);

    // The schema came back whole: CHECKs and the append-only ledger still refuse.
    await expect(sql`update stock_movements set on_hand_delta = 0`.execute(restored)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`update stock_levels set reserved = on_hand + 1`.execute(restored)).rejects.toThrow(
      /stock_reserved_within_on_hand/,
    );
  });

  it('the restored database serves: new writes continue the ledger, events flow, the audit stays clean', async () => {
    const restored = open(primary.url('stockroom_restored'));
    const before = await latestPosition(restored);
    const maxMovement = await sql<{ id: number }>`select max(id)::int as id from stock_movements`.execute(
      restored,
    );
    const w = await restored.selectFrom('warehouses').select('id').orderBy('code').executeTakeFirstOrThrow();
    const p = await restored.selectFrom('products').select('sku').orderBy('sku').executeTakeFirstOrThrow();
    const admin: Actor = {
      kind: 'user',
      id: '00000000-0000-4000-8000-000000000001',
      role: 'admin',
      warehouseIds: [],
    };
    await receiveStock({ db: restored, actor: admin }, { warehouseId: w.id, sku: p.sku, quantity: 3 });
    await createReservation(
      {
        db: restored,
        actor: {
          kind: 'service',
          id: '00000000-0000-4000-8000-00000000beef',
          name: 'checkout',
          scopes: [],
          warehouseIds: null,
        },
      },
      { lines: [{ sku: p.sku, quantity: 1, warehouseId: w.id }] },
    );
    const next = await sql<{ id: number }>`select max(id)::int as id from stock_movements`.execute(restored);
    expect(next.rows[0]?.id).toBeGreaterThan(maxMovement.rows[0]?.id ?? 0);
    const fresh = await readEventsAfter(restored, before, { limit: 50 });
    expect(fresh.map((e) => e.type)).toEqual(expect.arrayContaining(['stock.changed']));
    expect((await verifyLedger(restored)).mismatches).toEqual([]);
  });

  it('restored on a brand-new server, the outbox must be re-based before events flow', async () => {
    other = await startCluster(base, 'other');
    await other.tool('createdb', ['-T', 'template0', 'stockroom']);
    await other.tool('pg_restore', [
      '--exit-on-error',
      '--single-transaction',
      '--no-owner',
      '--no-acl',
      '-d',
      'stockroom',
      dumpFile,
    ]);
    const restored = open(other.url('stockroom'));
    expect(await fingerprint(restored)).toEqual(await fingerprint(source));
    expect((await verifyLedger(restored)).mismatches).toEqual([]);
    expect(await migrationsCurrent(restored)).toBe(true);

    // The new server's transaction counter is behind the ids stored in the outbox:
    // readers only take events of transactions older than every running one, so the
    // whole history is invisible, and new events would sort before it.
    const counters = await sql<{ restoredMax: string; current: string }>`
      select (select max(txid) from events)::text as restored_max, pg_current_xact_id()::text as current`.execute(
      restored,
    );
    const { restoredMax, current } = counters.rows[0] as { restoredMax: string; current: string };
    expect(BigInt(restoredMax)).toBeGreaterThan(BigInt(current));
    expect(await latestPosition(restored)).toBeUndefined();

    await REBASE_OUTBOX.execute(restored);

    const events = await sql<{ n: number }>`select count(*)::int as n from events`.execute(restored);
    const history = await readEventsAfter(restored, undefined, { limit: 10_000 });
    expect(history.length).toBe(events.rows[0]?.n);
    const before = await latestPosition(restored);
    expect(before).toBeDefined();
    const w = await restored.selectFrom('warehouses').select('id').orderBy('code').executeTakeFirstOrThrow();
    const p = await restored.selectFrom('products').select('sku').orderBy('sku').executeTakeFirstOrThrow();
    const admin: Actor = {
      kind: 'user',
      id: '00000000-0000-4000-8000-000000000001',
      role: 'admin',
      warehouseIds: [],
    };
    await receiveStock({ db: restored, actor: admin }, { warehouseId: w.id, sku: p.sku, quantity: 1 });
    const fresh = await readEventsAfter(restored, before, { limit: 50 });
    expect(fresh.map((e) => e.type)).toEqual(['stock.changed']);
    expect((await verifyLedger(restored)).mismatches).toEqual([]);
  });
});
