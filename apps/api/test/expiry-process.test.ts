/**
 * Holds expire without anyone reading them, across processes (SPEC §2 rule 7,
 * §4): API process A takes unpaid checkouts and is killed (SIGKILL: no
 * shutdown, no cleanup); process B, started afterwards on the same database,
 * ends the holds with its sweeper. Nobody reads the orders or reservations
 * through the API in between — only the database is watched.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { createTRPCClient, httpLink } from '@trpc/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../src/index.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

const API_DIR = path.resolve(import.meta.dirname, '..');
const HOLD_SECONDS = 2;
/** Generous: the holds end about HOLD_SECONDS after checkout plus one 200 ms sweep. */
const EXPIRY_DEADLINE_MS = 15_000;

let database: TestDatabase;
let processA: ChildProcess | undefined;
let apiB: TestApi | undefined;
const outputA: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  if (processA && processA.exitCode === null && processA.signalCode === null) {
    const exited = new Promise((resolve) => processA?.once('exit', resolve));
    processA.kill('SIGKILL');
    await exited;
  }
  await apiB?.stop();
  await database?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start the API as a real child process: `node --import tsx src/main.ts` (one process, no wrapper). */
async function spawnApi(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
      HOST: '127.0.0.1',
      PORT: String(port),
      CONSOLE_DIST: '/nonexistent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => outputA.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => outputA.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `API process exited early (${child.exitCode ?? child.signalCode}):\n${outputA.join('')}`,
      );
    }
    try {
      const res = await fetch(`${url}/ready`);
      if (res.status === 200) return { child, url };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`API process never got ready:\n${outputA.join('')}`);
    await sleep(100);
  }
}

describe('expiry across processes', () => {
  it('holds taken by a killed process expire through another one, without anyone reading them', async () => {
    // ---------------------------------------------------------------- process A
    const a = await spawnApi({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      SEED_DEMO: 'true',
      JWT_SECRET: 'expiry-test-secret-0123456789-abcdefghij',
      RESERVATION_TTL_SECONDS: String(HOLD_SECONDS),
      // A alone would not sweep before a minute is out (and it will not live that long).
      SWEEP_INTERVAL_MS: '60000',
      LOG_LEVEL: 'warn',
    });
    processA = a.child;
    const clientA = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${a.url}/trpc`, headers: { authorization: `Bearer ${SERVICE_TOKEN}` } })],
    });

    const db = database.db;
    const carts = [
      { lines: [{ sku: 'EL-HDP-001', quantity: 1 }], shipTo: { latitude: 40.71, longitude: -74.0 } },
      {
        lines: [
          { sku: 'EL-HDP-001', quantity: 2 },
          { sku: 'KT-KTL-001', quantity: 1 },
        ],
        shipTo: { latitude: 41.88, longitude: -87.63 },
      },
      { lines: [{ sku: 'OD-TNT-001', quantity: 1 }], shipTo: { latitude: 34.05, longitude: -118.24 } },
      {
        lines: [
          { sku: 'KT-KTL-001', quantity: 2 },
          { sku: 'OD-TNT-001', quantity: 1 },
        ],
        shipTo: { latitude: 47.61, longitude: -122.33 },
      },
      { lines: [{ sku: 'AP-TEE-001', quantity: 3 }], shipTo: { latitude: 32.78, longitude: -96.8 } },
    ];
    const skus = [...new Set(carts.flatMap((c) => c.lines.map((l) => l.sku)))];
    const levels = () =>
      db
        .selectFrom('stockLevels as s')
        .innerJoin('products as p', 'p.id', 's.productId')
        .select(['s.warehouseId', 'p.sku', 's.onHand', 's.reserved'])
        .where('p.sku', 'in', skus)
        .orderBy('p.sku')
        .orderBy('s.warehouseId')
        .execute();
    const before = await levels();
    expect(before.length).toBe(skus.length * 5);

    const orders = [];
    for (const cart of carts) orders.push(await clientA.checkout.start.mutate(cart));
    expect(orders.every((o) => o.status === 'pending_payment' && o.expiresAt !== null)).toBe(true);
    const heldUnits = carts.flatMap((c) => c.lines).reduce((s, l) => s + l.quantity, 0);
    const sumReserved = (rows: { reserved: number }[]) => rows.reduce((s, l) => s + l.reserved, 0);
    expect(sumReserved(await levels()) - sumReserved(before)).toBe(heldUnits);

    // SIGKILL: no graceful shutdown, nothing flushed, the sweeper never ran.
    const exited = new Promise<void>((resolve) => a.child.once('exit', () => resolve()));
    a.child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const lastExpiry = Math.max(...orders.map((o) => Date.parse(o.expiresAt as string)));

    const orderIds = orders.map((o) => o.id);
    const reservationIds = orders.map((o) => o.reservationId as string);
    // Nothing expired while A was alive (its sweeper was a minute away).
    const still = await db.selectFrom('orders').select('status').where('id', 'in', orderIds).execute();
    expect(still.map((o) => o.status)).toEqual(orderIds.map(() => 'pending_payment'));

    // ---------------------------------------------------------------- process B
    apiB = await startTestApi({ SWEEP_INTERVAL_MS: '200', SEED_DEMO: 'true' }, database);
    const startedB = Date.now();

    // Watch the database only: no API read could apply lazy expiry.
    let settledAt: number | undefined;
    let last: unknown;
    while (Date.now() - killedAt < EXPIRY_DEADLINE_MS) {
      const [orderRows, reservationRows, now] = await Promise.all([
        db.selectFrom('orders').select(['id', 'status']).where('id', 'in', orderIds).execute(),
        db.selectFrom('reservations').select(['id', 'status']).where('id', 'in', reservationIds).execute(),
        levels(),
      ]);
      last = { orders: orderRows, reservations: reservationRows };
      const done =
        orderRows.every((o) => o.status === 'expired') &&
        reservationRows.every((r) => r.status === 'expired') &&
        JSON.stringify(now) === JSON.stringify(before);
      if (done) {
        settledAt = Date.now();
        break;
      }
      await sleep(50);
    }
    if (settledAt === undefined) {
      throw new Error(`holds did not expire within ${EXPIRY_DEADLINE_MS} ms: ${JSON.stringify(last)}`);
    }
    console.info(
      `[expiry-process] all ${orders.length} holds expired ${settledAt - killedAt} ms after SIGKILL of A, ` +
        `${settledAt - startedB} ms after B started, ${settledAt - lastExpiry} ms after the last hold's expiresAt`,
    );

    // Stock: reserved back to what it was, on hand untouched.
    expect(await levels()).toEqual(before);

    // The ledger says why: one `expire` movement per held line, giving the units back.
    const expires = await db
      .selectFrom('stockMovements')
      .select(['reference', 'onHandDelta', 'reservedDelta', 'actor'])
      .where('kind', '=', 'expire')
      .where('reference', 'in', reservationIds)
      .execute();
    const heldLines = await db
      .selectFrom('reservationLines')
      .select(['reservationId', 'quantity'])
      .where('reservationId', 'in', reservationIds)
      .execute();
    expect(expires).toHaveLength(heldLines.length);
    expect(expires.every((m) => m.onHandDelta === 0 && m.reservedDelta < 0)).toBe(true);
    expect(expires.reduce((s, m) => s - m.reservedDelta, 0)).toBe(heldUnits);

    // None ended before its time (compared on the database's clock).
    const early = await sql<{ id: string }>`
      select r.id from stock_movements m join reservations r on r.id::text = m.reference
      where m.kind = 'expire' and m.created_at < r.expires_at
        and r.id in (${sql.join(reservationIds)})`.execute(db);
    const expireCount = await sql<{ n: number }>`
      select count(*)::int as n from stock_movements m join reservations r on r.id::text = m.reference
      where m.kind = 'expire' and r.id in (${sql.join(reservationIds)})`.execute(db);
    expect(expireCount.rows[0]?.n).toBe(heldLines.length);
    expect(early.rows).toEqual([]);

    // And the outbox says it: one order.expired per order.
    const expiredEvents = await db
      .selectFrom('events')
      .select(['aggregateId'])
      .where('type', '=', 'order.expired')
      .where('aggregateId', 'in', orderIds)
      .execute();
    expect(expiredEvents.map((e) => e.aggregateId).sort()).toEqual([...orderIds].sort());

    // Sum of movements per level = the level, everywhere.
    const drift = await sql<{ warehouse_id: string; product_id: string }>`
      select s.warehouse_id, s.product_id
      from stock_levels s
      left join (
        select warehouse_id, product_id, sum(on_hand_delta)::int as on_hand, sum(reserved_delta)::int as reserved
        from stock_movements group by 1, 2
      ) m using (warehouse_id, product_id)
      where s.on_hand <> coalesce(m.on_hand, 0) or s.reserved <> coalesce(m.reserved, 0)`.execute(db);
    expect(drift.rows).toEqual([]);
    const adminB = apiB.client(await apiB.login('admin@example.com'));
    const audit = await adminB.audit.verify.query();
    expect(audit.mismatches).toEqual([]);
    expect(audit.levelsChecked).toBeGreaterThan(0);

    // Only now read through the API: B reports them expired too.
    const serviceB = apiB.client(SERVICE_TOKEN);
    for (const order of orders) {
      expect((await serviceB.orders.get.query({ id: order.id })).status).toBe('expired');
    }
  }, 90_000);
});
