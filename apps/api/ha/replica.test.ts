/**
 * Read replicas (DATABASE_REPLICA_URL): a Debian PostgreSQL 15 primary and a
 * streaming replica that applies WAL 2 s late, behind two API processes. A
 * client that wrote through one process and reads through the other always sees
 * its write (read-your-writes across processes); someone else reading at that
 * moment is served by the replica (and does not see it yet: proof the replica
 * answers); decisions (a hold on stock received a moment ago) are taken on the
 * primary; with the replica stopped every read is answered from the primary.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChildApi,
  login,
  SERVICE_TOKEN,
  spawnApi,
  trpcData,
  trpcMutation,
  trpcQuery,
  waitFor,
} from '../chaos/support.js';
import { PG_BIN, ReplicaPair } from './replica-pair.js';

const APPLY_DELAY_MS = 2000;
const API_PORTS = [26711, 26712];

let pair: ReplicaPair;
const apis: ChildApi[] = [];
let admin: string;
let staff: string;
let warehouseId: string;

const base = (i: number) => (apis[i] as ChildApi).url;

/** The SKUs `token` finds for `sku` in the stock list, asked of API `i`. */
async function stockSkus(i: number, token: string, sku: string): Promise<string[]> {
  const input = sku ? { query: sku, limit: 50 } : { limit: 50 };
  const page = trpcData(await trpcQuery(base(i), 'inventory.list', input, token));
  return page.items.map((level: { sku: string }) => level.sku);
}

async function newProduct(sku: string): Promise<void> {
  trpcData(
    await trpcMutation(
      base(0),
      'products.create',
      { sku, name: `Replica check ${sku}`, category: 'test', priceMinor: 100, currency: 'USD' },
      admin,
    ),
  );
  trpcData(await trpcMutation(base(0), 'inventory.receive', { warehouseId, sku, quantity: 5 }, admin));
}

/**
 * Until the replica serves the staff's reads: a product the admin just made is
 * not in them yet (each process sends everyone to the primary until the replica
 * has replayed past its start, and past a failure).
 */
async function replicaServing(): Promise<void> {
  await waitFor(
    async () => {
      const sku = `RPS-${Date.now().toString(36)}`.toUpperCase();
      await newProduct(sku);
      return (await stockSkus(1, staff, sku)).length === 0;
    },
    30_000,
    'the replica to serve reads',
    200,
  );
}

beforeAll(async () => {
  if (!existsSync(`${PG_BIN}/pg_basebackup`)) {
    throw new Error('PostgreSQL 15 is missing: run node scripts/ensure-system-deps.mjs as root');
  }
  pair = await ReplicaPair.start(APPLY_DELAY_MS);
  const env = (seed: boolean) => ({
    DATABASE_URL: pair.url('primary'),
    DATABASE_REPLICA_URL: pair.url('replica'),
    SEED_DEMO: String(seed),
    DB_POOL_MAX: '8',
  });
  apis.push(await spawnApi(env(true), API_PORTS[0]));
  apis.push(await spawnApi(env(false), API_PORTS[1]));
  admin = await login(base(0), 'admin@example.com');
  staff = await login(base(1), 'staff@example.com');
  const warehouses = trpcData(await trpcQuery(base(0), 'warehouses.list', undefined, admin));
  warehouseId = warehouses[0].id;
  await replicaServing();
}, 120_000);

afterAll(async () => {
  for (const api of apis) await api.stop().catch(() => {});
  await pair?.stop();
});

describe('lag-tolerant reads on a replica that applies WAL 2 s late', () => {
  it('a writer always sees its own write at once, through the other process; others read the replica', async () => {
    let othersMissed = 0;
    for (let i = 0; i < 8; i++) {
      const sku = `RPL-${Date.now().toString(36)}-${i}`.toUpperCase();
      await newProduct(sku);
      // The admin wrote through API 0 and reads through API 1, at once.
      expect(await stockSkus(1, admin, sku)).toEqual([sku]);
      // The staff wrote nothing: their read goes to the replica, 2 s behind.
      if ((await stockSkus(1, staff, sku)).length === 0) othersMissed++;
      const search = trpcData(await trpcQuery(base(0), 'products.search', { query: sku }, admin));
      expect(search.items.map((p: { sku: string }) => p.sku)).toContain(sku);
    }
    expect(othersMissed).toBeGreaterThan(4);
  });

  it('decisions are taken on the primary: stock received a moment ago is held at once by someone else', async () => {
    const sku = `RPD-${Date.now().toString(36)}`.toUpperCase();
    await newProduct(sku);
    const hold = trpcData(
      await trpcMutation(
        base(1),
        'reservations.create',
        { lines: [{ sku, quantity: 5, warehouseId }], ttlSeconds: 60 },
        SERVICE_TOKEN,
        `rpd-${sku}`,
      ),
    );
    expect(hold.status).toBe('pending');
    // The service's own read right after its write sees the stock held.
    const page = trpcData(await trpcQuery(base(1), 'inventory.list', { query: sku }, SERVICE_TOKEN));
    expect(page.items[0]).toMatchObject({ sku, reserved: 5, available: 0 });
  });

  it('with the replica stopped, every read is answered from the primary; it serves again once back', async () => {
    pair.stopServer('replica');
    const sku = `RPF-${Date.now().toString(36)}`.toUpperCase();
    await newProduct(sku);
    // The staff would read the replica: it is down, so the primary answers (and is current).
    expect(await stockSkus(1, staff, sku)).toEqual([sku]);
    expect(await stockSkus(0, staff, sku)).toEqual([sku]);
    pair.startServer('replica');
    await replicaServing();
  });
});
