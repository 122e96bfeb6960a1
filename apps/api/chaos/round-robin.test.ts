/**
 * Scenario 5: three API processes behind a round-robin proxy, mixed load.
 *
 * Two real child processes and one in-process API share one database; a TCP
 * proxy hands each new connection to the next process in turn (every request
 * here is its own connection, so requests rotate). Through it: contended
 * single-unit holds of a scarce level, holds that are confirmed or released,
 * checkouts with payment, receipts and reads. A subscriber is connected to
 * each process directly. Afterwards: the scarce level sold exactly its units
 * (no oversell), the full correctness check passes, and every subscriber got
 * the events of writes made through all three processes, each once.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../test/harness.js';
import { checkCorrectness, type OrderIntent, type ReservationIntent, snapshotLevels } from './check.js';
import {
  type Answer,
  appCodeOf,
  type ChildApi,
  type Json,
  login,
  NoAnswer,
  pool,
  SERVICE_TOKEN,
  type Subscriber,
  send,
  sleep,
  spawnApi,
  subscribe,
  trpcData,
  trpcMutation,
  trpcQuery,
  waitFor,
} from './support.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const HOT_SKU = 'SP-YGA-001';
const HOT_UNITS = 40;
const SKUS = ['EL-CHG-001', 'KT-POT-001', 'OD-STV-001', 'AP-HAT-001', 'HM-PLW-001'];
const CITIES = [
  { latitude: 40.71, longitude: -74.0 },
  { latitude: 41.88, longitude: -87.63 },
  { latitude: 34.05, longitude: -118.24 },
];

let database: TestDatabase;
let inProcess: TestApi;
let children: ChildApi[] = [];
let proxy: TcpProxy;
let admin: string;
const wh: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase({ max: 5 });
  inProcess = await startTestApi({ DB_POOL_MAX: '8', SWEEP_INTERVAL_MS: '500' }, database);
  children = await Promise.all(
    [0, 1].map(() => spawnApi({ DATABASE_URL: database.url, DB_POOL_MAX: '8', SWEEP_INTERVAL_MS: '500' })),
  );
  const upstreams = [inProcess.url, ...children.map((c) => c.url)].map((url) => ({
    host: '127.0.0.1',
    port: Number(new URL(url).port),
  }));
  proxy = await startTcpProxy({ upstreams });
  admin = await login(proxy.url, 'admin@example.com');
  for (const w of trpcData(await trpcQuery(proxy.url, 'warehouses.list', undefined, admin)))
    wh[w.code] = w.id;
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all(children.map((c) => c.stop()));
  await inProcess?.stop();
  await database?.destroy();
});

describe('three API processes behind a round-robin proxy', () => {
  it('scenario 5: mixed load — no oversell, the check passes, live events reach the subscribers of all three', async () => {
    const urls = [inProcess.url, ...children.map((c) => c.url)];
    await trpcMutation(
      proxy.url,
      'inventory.sync',
      {
        items: [
          ...SKUS.flatMap((sku) =>
            Object.values(wh).map((warehouseId) => ({ warehouseId, sku, onHand: 200 })),
          ),
          { warehouseId: wh['LAX-1'], sku: HOT_SKU, onHand: HOT_UNITS },
        ],
      },
      SERVICE_TOKEN,
    ).then(trpcData);

    // One subscriber on each process, warmed up with one event seen by all.
    const types = ['reservation.created', 'order.paid'];
    const subscribers: Subscriber[] = urls.map((url) => subscribe(url, admin, types));
    await waitFor(() => subscribers.every((s) => s.started), 15_000, 'subscriptions to start');
    const warm = trpcData(
      await trpcMutation(
        urls[0] as string,
        'reservations.create',
        { lines: [{ sku: SKUS[0] as string, quantity: 1 }], reference: 'chaos5-warm-up' },
        SERVICE_TOKEN,
      ),
    );
    await waitFor(
      () => subscribers.every((s) => s.received.some((e) => e.data.aggregateId === warm.id)),
      15_000,
      'the warm-up event at every subscriber',
    );
    await trpcMutation(urls[0] as string, 'reservations.release', { id: warm.id }, SERVICE_TOKEN).then(
      trpcData,
    );
    await sleep(200);
    const before = await snapshotLevels(database.db);

    // ---------------------------------------------------------------- mixed load through the proxy
    const stats = { requests: 0, reads: 0, busy: 0, noAnswer: 0 };
    const call = async (route: string, input: Json, key: string, token = SERVICE_TOKEN): Promise<Answer> => {
      for (let attempt = 1; attempt <= 30; attempt++) {
        stats.requests++;
        try {
          const answer = route.startsWith('POST ')
            ? await send(proxy.url, 'POST', route.slice(5), {
                body: input,
                headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
              })
            : await trpcMutation(proxy.url, route, input, token, key);
          if (answer.status !== 503 && answer.status !== 429) return answer;
          stats.busy++;
        } catch (error) {
          if (!(error instanceof NoAnswer)) throw error;
          stats.noAnswer++;
        }
        await sleep(100);
      }
      throw new Error(`no answer for ${route} ${key}`);
    };
    const reservations: ReservationIntent[] = [];
    const orders: OrderIntent[] = [];
    const receipts: { warehouseId: string; sku: string; onHand: number }[] = [];
    const flows: (() => Promise<void>)[] = [];

    for (let i = 0; i < 150; i++) {
      const intent: ReservationIntent = { reference: `chaos5-hot-${i}` };
      reservations.push(intent);
      flows.push(async () => {
        const answer = await call(
          'reservations.create',
          { lines: [{ sku: HOT_SKU, quantity: 1, warehouseId: wh['LAX-1'] }], reference: intent.reference },
          `k-${intent.reference}`,
        );
        if (answer.status === 200) intent.acknowledged = trpcData(answer);
        else intent.refused = appCodeOf(answer);
      });
    }
    for (let i = 0; i < 90; i++) {
      const intent: ReservationIntent = { reference: `chaos5-hold-${i}` };
      reservations.push(intent);
      flows.push(async () => {
        const rest = i % 4 === 0;
        const input = {
          lines: [{ sku: SKUS[i % SKUS.length] as string, quantity: 1 + (i % 3) }],
          shipTo: CITIES[i % CITIES.length],
          reference: intent.reference,
        };
        const answer = await call(
          rest ? 'POST /api/v1/reservations' : 'reservations.create',
          input,
          `k-${intent.reference}`,
        );
        if (answer.status !== 200) {
          intent.refused = appCodeOf(answer);
          return;
        }
        intent.acknowledged = rest ? answer.body : trpcData(answer);
        if (i % 3 === 2) return;
        const to = i % 3 === 0 ? 'confirm' : 'release';
        const ended = await call(
          `reservations.${to}`,
          { id: intent.acknowledged.id },
          `k-${intent.reference}-${to}`,
        );
        expect(ended.status, JSON.stringify(ended.body)).toBe(200);
        intent.expect = to === 'confirm' ? 'confirmed' : 'released';
      });
    }
    for (let i = 0; i < 30; i++) {
      const intent: OrderIntent = { address: `chaos5-order-${i}`, paymentReference: `chaos5-pay-${i}` };
      orders.push(intent);
      flows.push(async () => {
        const started = await call(
          'checkout.start',
          {
            lines: [
              { sku: SKUS[i % SKUS.length] as string, quantity: 1 },
              { sku: SKUS[(i + 2) % SKUS.length] as string, quantity: 2 },
            ],
            shipTo: { ...CITIES[i % CITIES.length], address: intent.address },
          },
          `k-${intent.address}`,
        );
        if (started.status !== 200) {
          intent.refused = appCodeOf(started);
          return;
        }
        intent.order = trpcData(started);
        const paid = await call(
          'checkout.paymentSucceeded',
          { orderId: intent.order.id, paymentReference: intent.paymentReference },
          `k-${intent.address}-paid`,
        );
        intent.paid = trpcData(paid);
      });
    }
    for (let i = 0; i < 20; i++) {
      const warehouseId = Object.values(wh)[i % 5] as string;
      const sku = 'OF-ORG-001';
      flows.push(async () => {
        const answer = await call(
          `POST /api/v1/stock/${warehouseId}/${sku}/receive`,
          { quantity: 2, reason: `chaos5 receipt ${i}` },
          `k-chaos5-receive-${i}`,
          admin,
        );
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        receipts.push({ warehouseId, sku, onHand: 2 });
      });
    }
    for (let i = 0; i < 60; i++) {
      flows.push(async () => {
        stats.reads++;
        stats.requests++;
        const answer =
          i % 2
            ? await trpcQuery(proxy.url, 'products.get', { sku: HOT_SKU }, SERVICE_TOKEN)
            : await send(proxy.url, 'GET', `/api/v1/stock/${wh['LAX-1']}/${HOT_SKU}`, {
                headers: { authorization: `Bearer ${admin}` },
              });
        expect(answer.status).toBe(200);
      });
    }
    // Interleave the kinds (deterministically).
    const order = flows.map((_, i) => i).sort((x, y) => ((x * 7919) % 353) - ((y * 7919) % 353));
    const started = Date.now();
    await pool(order, 24, (i) => (flows[i] as () => Promise<void>)());
    const loadMs = Date.now() - started;

    // ---------------------------------------------------------------- no oversell
    const hot = reservations.filter((r) => r.reference.startsWith('chaos5-hot-'));
    expect(hot.filter((r) => r.acknowledged)).toHaveLength(HOT_UNITS);
    for (const r of hot.filter((r) => !r.acknowledged)) expect(r.refused).toBe('INSUFFICIENT_STOCK');
    // Every process took its share of the connections.
    for (const n of proxy.perUpstream) expect(n).toBeGreaterThan(stats.requests / 6);
    expect(children.every((c) => c.alive)).toBe(true);

    const report = await checkCorrectness({
      db: database.db,
      apiUrl: proxy.url,
      adminToken: admin,
      reservations,
      orders,
      before,
      otherChanges: receipts,
    });
    expect(report.problems).toEqual([]);

    // ---------------------------------------------------------------- live events at every process
    const createdIds = [
      ...reservations.filter((r) => r.acknowledged).map((r) => r.acknowledged.id as string),
      ...orders.filter((o) => o.order).map((o) => o.order.reservationId as string),
    ];
    const paidIds = orders.filter((o) => o.paid).map((o) => o.order.id as string);
    const eventsStarted = Date.now();
    await waitFor(
      () =>
        subscribers.every((s) => {
          const seen = new Set(s.received.map((e) => `${e.data.type}:${e.data.aggregateId}`));
          return (
            createdIds.every((id) => seen.has(`reservation.created:${id}`)) &&
            paidIds.every((id) => seen.has(`order.paid:${id}`))
          );
        }),
      20_000,
      'every event at every subscriber',
    );
    const eventsMs = Date.now() - eventsStarted;
    await sleep(500);
    for (const s of subscribers) {
      const ids = s.received.map((e) => e.id);
      expect(new Set(ids).size, 'no event twice').toBe(ids.length);
      s.stop();
    }
    console.log(
      `[chaos 5: 3 processes, round-robin] ${stats.requests} requests (${flows.length} flows: ${hot.length} contended holds, ` +
        `${reservations.length - hot.length} holds with confirm/release, ${orders.length} checkouts+payments, ` +
        `${receipts.length} receipts, ${stats.reads} reads) in ${loadMs} ms, connections per process ` +
        `${proxy.perUpstream.join('/')}, ${stats.busy} busy answers retried; scarce level: ${HOT_UNITS} units, ` +
        `${hot.filter((r) => r.acknowledged).length} granted of ${hot.length} (no oversell); ${subscribers.length} subscribers ` +
        `(one per process) each got all ${createdIds.length + paidIds.length} events, none twice (all delivered ` +
        `${eventsMs} ms after the load); check: lost ${report.lost}, duplicated ${report.duplicated}, ` +
        `${report.problems.length} problems`,
    );
  });
});
