/**
 * `pnpm test:ha`: the API on a highly available PostgreSQL (ha/cluster.ts: etcd,
 * three Patroni nodes with synchronous replication, HAProxy on Patroni's
 * `/primary` check, PgBouncer in transaction mode), brought up from nothing on
 * loopback. Two API processes (DATABASE_URL = PgBouncer, DATABASE_DIRECT_URL =
 * HAProxy) take keyed writes from six clients while, one after another:
 *   (a) the leader's PostgreSQL and Patroni are SIGKILLed,
 *   (b) a planned switchover moves the primary (patronictl switchover),
 *   (c) the synchronous standby's replication connection is cut (its WAL
 *       receiver is stopped with SIGSTOP: the primary hears nothing more from
 *       it), so commits must wait until Patroni names the other replica sync.
 * After each: every acknowledged write is in the database (0 lost), each
 * keyed retry applied once (0 duplicated), no oversell, ledger = levels, the
 * audit clean, and both live-event subscribers got every event exactly once.
 * Prints per fault: downtime (first failed write to first successful one),
 * writes retried, 503s (each with Retry-After), lost, duplicated.
 */
import { existsSync } from 'node:fs';
import { createDb } from '@stockroom/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCorrectness } from '../chaos/check.js';
import {
  type ChildApi,
  login,
  SERVICE_TOKEN,
  type Subscriber,
  sleep,
  spawnApi,
  subscribe,
  trpcData,
  trpcMutation,
  trpcQuery,
  waitFor,
} from '../chaos/support.js';
import { HA_BINARIES, HaCluster, type Node } from './cluster.js';
import { HOT_SKU, HOT_WAREHOUSE, Load } from './load.js';

const API_PORTS = [26701, 26702];
const CLIENTS = 6;
const HOT_UNITS = 40;

let cluster: HaCluster;
const apis: ChildApi[] = [];
let admin: string;
const wh: Record<string, string> = {};
let subscribers: Subscriber[] = [];
let firstEventId = 0;
const loads: Load[] = [];

/** A short-lived handle on the primary (through HAProxy): the primary moves between checks. */
async function withDb<T>(run: (db: ReturnType<typeof createDb>['db']) => Promise<T>): Promise<T> {
  const { db } = createDb({ connectionString: cluster.directUrl('stockroom'), max: 2 });
  try {
    return await run(db);
  } finally {
    await db.destroy();
  }
}

beforeAll(async () => {
  const missing = HA_BINARIES.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: run node scripts/ensure-system-deps.mjs as root`);
  }
  cluster = await HaCluster.start();
  const { db: postgres } = createDb({ connectionString: cluster.directUrl('postgres'), max: 1 });
  await sql`create database stockroom`.execute(postgres);
  await postgres.destroy();
  const env = (seed: boolean) => ({
    DATABASE_URL: cluster.pooledUrl('stockroom'),
    DATABASE_DIRECT_URL: cluster.directUrl('stockroom'),
    DB_POOL_MAX: '10',
    SEED_DEMO: String(seed),
  });
  apis.push(await spawnApi(env(true), API_PORTS[0]));
  apis.push(await spawnApi(env(false), API_PORTS[1]));
  const base = apis[0]?.url as string;
  admin = await login(base, 'admin@example.com');
  for (const w of trpcData(await trpcQuery(base, 'warehouses.list', undefined, admin))) wh[w.code] = w.id;
  const items = ['EL-HDP-001', 'KT-KTL-001', 'OD-TNT-001', 'AP-TEE-001', 'HM-CND-001', 'OF-NTB-001'].flatMap(
    (sku) => Object.values(wh).map((warehouseId) => ({ warehouseId, sku, onHand: 1000 })),
  );
  items.push({ warehouseId: wh[HOT_WAREHOUSE] as string, sku: HOT_SKU, onHand: HOT_UNITS });
  trpcData(await trpcMutation(base, 'inventory.sync', { items }, SERVICE_TOKEN, 'k-ha-stock'));
  await sleep(500);
  firstEventId = await withDb(async (db) =>
    Number(
      (await sql<{ n: number }>`select coalesce(max(id), 0)::int as n from events`.execute(db)).rows[0]?.n,
    ),
  );
  subscribers = apis.map((api) => subscribe(api.url, admin));
  await waitFor(() => subscribers.every((s) => s.started), 20_000, 'both subscriptions to start');
}, 180_000);

afterAll(async () => {
  for (const s of subscribers) s.stop();
  await Promise.all(apis.map((api) => api.stop().catch(() => {})));
  await cluster?.stop();
});

/** Every acknowledged effect once, nothing lost, levels = ledger, audit clean, events all delivered. */
async function verify(): Promise<{ lost: number; duplicated: number }> {
  const reservations = loads.flatMap((l) => l.reservations);
  const orders = loads.flatMap((l) => l.orders);
  const receipts = loads.flatMap((l) => l.receipts);
  const report = await withDb((db) =>
    checkCorrectness({ db, apiUrl: apis[0]?.url as string, adminToken: admin, reservations, orders }),
  );
  const counts = await withDb(async (db) => {
    const rows = await sql<{ reason: string; n: number }>`
      select reason, count(*)::int as n from stock_movements
      where reason = any(${receipts.map((r) => r.reason)}::text[]) group by reason`.execute(db);
    return new Map(rows.rows.map((r) => [r.reason, r.n]));
  });
  let { lost, duplicated } = report;
  for (const receipt of receipts) {
    const n = counts.get(receipt.reason) ?? 0;
    if (receipt.acknowledged && n === 0) lost++;
    if (n > 1) duplicated += n - 1;
  }
  expect(report.problems).toEqual([]);
  // No oversell of the scarce level: never more held or sold than there was.
  const hot = reservations.filter((r) => r.acknowledged?.lines?.[0]?.sku === HOT_SKU);
  expect(hot.length).toBeLessThanOrEqual(HOT_UNITS);
  // Live events: each subscriber got every event committed since it started, once.
  const committed = await withDb(async (db) =>
    (
      await sql<{ id: number }>`select id from events where id > ${firstEventId} order by id`.execute(db)
    ).rows.map((r) => Number(r.id)),
  );
  for (const subscriber of subscribers) {
    await waitFor(
      () => subscriber.received.length >= committed.length,
      30_000,
      'every event to reach subscribers',
    );
    const ids = subscriber.received.map((e) => Number(e.data.id)).filter((id) => id > firstEventId);
    expect(new Set(ids).size, 'no event delivered twice').toBe(ids.length);
    expect([...ids].sort((x, y) => x - y).slice(0, committed.length)).toEqual(committed);
  }
  return { lost, duplicated };
}

/** Load → fault → load until the cluster is whole again → checks; prints the figures. */
async function underLoad(name: string, fault: () => Promise<string>): Promise<void> {
  await cluster.healthy(90_000);
  const load = new Load(() => apis.map((a) => a.url), wh);
  loads.push(load);
  let stopped = false;
  const running = load.run(CLIENTS, name.slice(0, 1), () => stopped);
  await sleep(3000);
  const at = Date.now();
  const detail = await fault();
  await cluster.healthy(90_000);
  await sleep(3000); // writes keep flowing on the whole cluster
  stopped = true;
  await running;
  const figures = load.downtime(at, Date.now());
  expect(load.unexpected).toEqual([]);
  expect(load.withoutRetryAfter, '503 answers without Retry-After').toBe(0);
  const { lost, duplicated } = await verify();
  const writes = load.reservations.length + load.orders.length + load.receipts.length;
  console.log(
    `[ha ${name}] ${detail}; ${writes} keyed writes from ${CLIENTS} clients through 2 API processes: ` +
      `downtime ${figures.downtimeMs} ms (first failed to first successful write), ` +
      `${figures.failures} failed attempts (${load.unavailable} answered 503 + Retry-After), ` +
      `${load.retried} writes retried with their key, slowest acknowledged write ${figures.slowestOkMs} ms, ` +
      `lost ${lost}, duplicated ${duplicated}`,
  );
  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
}

const other = (node: Node | undefined) => async () => {
  const leader = await cluster.leader();
  return leader !== undefined && leader.name !== node?.name ? leader : undefined;
};

describe('the API on Patroni + HAProxy + PgBouncer under faults', () => {
  it('(a) SIGKILL of the leader’s PostgreSQL and Patroni mid-load', async () => {
    await underLoad('a: leader SIGKILLed', async () => {
      const old = (await cluster.leader()) as Node;
      const started = Date.now();
      await cluster.crash(old);
      const next = await waitFor(other(old), 60_000, 'a new leader', 100);
      const electedMs = Date.now() - started;
      cluster.startPatroni(old); // it comes back as a replica of the new leader
      return `${old.name} killed, ${next.name} promoted after ${electedMs} ms, ${old.name} rejoined`;
    });
  });

  it('(b) planned switchover (patronictl switchover)', async () => {
    await underLoad('b: switchover', async () => {
      const leader = (await cluster.leader()) as Node;
      const candidate = (await cluster.syncStandby()) as Node;
      const started = Date.now();
      cluster.switchover(leader, candidate);
      await waitFor(
        async () => (await cluster.leader())?.name === candidate.name,
        60_000,
        'the candidate to lead',
      );
      return `${leader.name} → ${candidate.name} in ${Date.now() - started} ms`;
    });
  });

  it('(c) the sync standby’s replication connection cut: commits wait for a new sync standby', async () => {
    await underLoad('c: sync standby cut', async () => {
      const standby = (await cluster.syncStandby()) as Node;
      const receiver = await cluster.walReceiver(standby);
      const started = Date.now();
      process.kill(receiver, 'SIGSTOP');
      try {
        const next = await waitFor(
          async () => {
            const sync = await cluster.syncStandby();
            return sync && sync.name !== standby.name ? sync : undefined;
          },
          60_000,
          'another sync standby',
          100,
        );
        const switchedMs = Date.now() - started;
        await sleep(1000);
        return `${standby.name}'s WAL receiver stopped; ${next.name} became sync standby after ${switchedMs} ms`;
      } finally {
        process.kill(receiver, 'SIGCONT');
      }
    });
  });
});
