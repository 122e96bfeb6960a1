/**
 * Scenario 3: the connection drops after COMMIT, before the answer arrives.
 *
 * A TCP proxy sits between the HTTP client and the API. For each write it lets
 * the request through and cuts the client's connection the moment the API's
 * answer starts to come back — the API has committed by then, the client has
 * seen nothing but a closed socket. The client retries the same request (same
 * Idempotency-Key, same body): it must get the stored answer (the very JSON
 * that was stored with the effect), and the effect must exist exactly once.
 * Covers reservations (coalesced batch path, tRPC and REST), confirm, release,
 * checkout + payment, and goods receipts.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../test/harness.js';
import { checkCorrectness, type OrderIntent, type ReservationIntent, snapshotLevels } from './check.js';
import {
  type Answer,
  auth,
  type Json,
  login,
  NoAnswer,
  SERVICE_TOKEN,
  send,
  trpcData,
  trpcMutation,
  trpcQuery,
} from './support.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

let database: TestDatabase;
let api: TestApi;
let proxy: TcpProxy;
let admin: string;
const wh: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase({ max: 5 });
  api = await startTestApi({ DB_POOL_MAX: '10' }, database);
  proxy = await startTcpProxy({ upstreams: [{ host: '127.0.0.1', port: Number(new URL(api.url).port) }] });
  admin = await login(api.url, 'admin@example.com');
  for (const w of trpcData(await trpcQuery(api.url, 'warehouses.list', undefined, admin))) wh[w.code] = w.id;
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await api?.stop();
  await database?.destroy();
});

/** Idempotency keys whose first connection is cut when the answer starts. */
const toCut = new Set<string>();

interface Write {
  name: string;
  /** tRPC procedure, or REST `METHOD /path`. */
  route: string;
  input: Json;
  key: string;
  token: string;
}

const stats = { writes: 0, cut: 0, committedBeforeCut: 0, replayedIdentical: 0 };

/** The body the API stored with the effect (what every retry must get back). */
async function storedAnswer(key: string): Promise<Json> {
  const row = await sql<{ response: Json }>`
    select response from idempotency_records where key = ${key}`.execute(database.db);
  return row.rows[0]?.response;
}

function sendWrite(w: Write): Promise<Answer> {
  if (w.route.includes(' ')) {
    const [method, path] = w.route.split(' ') as [string, string];
    return send(proxy.url, method, path, { body: w.input, headers: auth(w.token, w.key) });
  }
  return trpcMutation(proxy.url, w.route, w.input, w.token, w.key);
}

const dataOf = (w: Write, answer: Answer) => {
  if (answer.status !== 200) throw new Error(`${w.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return w.route.includes(' ') ? answer.body : answer.body.result.data;
};

/**
 * Send a write whose first answer is cut after commit; check the effect is
 * already stored, retry with the same key and body, and return the answer.
 */
async function cutThenRetry(w: Write, committed: () => Promise<boolean>): Promise<Json> {
  stats.writes++;
  toCut.add(w.key);
  const first = await sendWrite(w).then(
    (answer) => ({ answer }),
    (error) => ({ error }),
  );
  expect('error' in first && first.error instanceof NoAnswer, `${w.name}: the first answer must be cut`).toBe(
    true,
  );
  stats.cut++;
  // The work was done and committed before the answer was lost.
  expect(await committed(), `${w.name}: committed before the cut`).toBe(true);
  stats.committedBeforeCut++;
  const stored = await storedAnswer(w.key);
  expect(stored, `${w.name}: a stored answer`).toBeDefined();

  const retry = dataOf(w, await sendWrite(w));
  expect(retry, `${w.name}: the retry returns the stored answer`).toEqual(stored);
  const again = dataOf(w, await sendWrite(w));
  expect(JSON.stringify(again)).toBe(JSON.stringify(retry));
  stats.replayedIdentical++;
  return retry;
}

const reservationExists = (reference: string) => async () =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from reservations where reference = ${reference}`.execute(database.db)
  ).rows[0]?.n === 1;

const reservationIs = (id: string, status: string) => async () =>
  (await sql<{ status: string }>`select status from reservations where id = ${id}`.execute(database.db))
    .rows[0]?.status === status;

describe('connection cut after COMMIT, before the answer', () => {
  it('scenario 3: the retry with the same key returns the stored result, and the effect exists once', async () => {
    proxy.cutResponseIf = (chunk) => {
      const key = /\r\nidempotency-key: *(\S+)\r\n/i.exec(chunk.toString('latin1'))?.[1];
      return key !== undefined && toCut.delete(key);
    };
    const before = await snapshotLevels(database.db);
    const reservations: ReservationIntent[] = [];
    const orders: OrderIntent[] = [];
    const receipts: { warehouseId: string; sku: string; onHand: number }[] = [];
    const started = Date.now();

    // Reservations over tRPC, concurrently (they share coalesced batches), and over REST.
    const held = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const intent: ReservationIntent = { reference: `chaos3-hold-${i}` };
        reservations.push(intent);
        const rest = i % 3 === 2;
        const input = {
          lines: [
            { sku: i % 2 ? 'EL-MSE-001' : 'KT-BRD-001', quantity: 1 + (i % 2), warehouseId: wh['CHI-1'] },
          ],
          reference: intent.reference,
        };
        intent.acknowledged = await cutThenRetry(
          {
            name: intent.reference,
            route: rest ? 'POST /api/v1/reservations' : 'reservations.create',
            input,
            key: `chaos3-key-hold-${i}`,
            token: SERVICE_TOKEN,
          },
          reservationExists(intent.reference),
        );
        return intent;
      }),
    );
    // Confirm a third, release a third (REST and tRPC), each answer cut once.
    await Promise.all(
      held.map(async (intent, i) => {
        if (i % 3 === 2) return;
        const to = i % 3 === 0 ? 'confirm' : 'release';
        const id = intent.acknowledged.id;
        const result = await cutThenRetry(
          {
            name: `${to} ${intent.reference}`,
            route: i % 2 ? `POST /api/v1/reservations/${id}/${to}` : `reservations.${to}`,
            input: i % 2 ? undefined : { id },
            key: `chaos3-key-${to}-${i}`,
            token: SERVICE_TOKEN,
          },
          reservationIs(id, to === 'confirm' ? 'confirmed' : 'released'),
        );
        expect(result.status).toBe(to === 'confirm' ? 'confirmed' : 'released');
        intent.expect = to === 'confirm' ? 'confirmed' : 'released';
      }),
    );
    // Checkout and payment, both answers cut.
    await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const intent: OrderIntent = { address: `chaos3-order-${i}`, paymentReference: `chaos3-pay-${i}` };
        orders.push(intent);
        intent.order = await cutThenRetry(
          {
            name: intent.address,
            route: 'checkout.start',
            input: {
              lines: [{ sku: 'OD-LMP-001', quantity: 1 }],
              shipTo: { latitude: 41.88, longitude: -87.63, address: intent.address },
            },
            key: `chaos3-key-checkout-${i}`,
            token: SERVICE_TOKEN,
          },
          async () =>
            (
              await sql<{
                n: number;
              }>`select count(*)::int as n from orders where ship_to_address = ${intent.address}`.execute(
                database.db,
              )
            ).rows[0]?.n === 1,
        );
        intent.paid = await cutThenRetry(
          {
            name: `pay ${intent.address}`,
            route: 'checkout.paymentSucceeded',
            input: { orderId: intent.order.id, paymentReference: intent.paymentReference },
            key: `chaos3-key-pay-${i}`,
            token: SERVICE_TOKEN,
          },
          async () =>
            (
              await sql<{ status: string }>`select status from orders where id = ${intent.order.id}`.execute(
                database.db,
              )
            ).rows[0]?.status === 'paid',
        );
        expect(intent.paid.status).toBe('paid');
      }),
    );
    // Goods received (REST), each answer cut: counted once.
    for (let i = 0; i < 4; i++) {
      const warehouseId = wh['SEA-1'] as string;
      const sku = 'TY-PZL-001';
      const versionBefore = (
        await sql<{ version: number }>`
          select s.version from stock_levels s join products p on p.id = s.product_id
          where s.warehouse_id = ${warehouseId} and p.sku = ${sku}`.execute(database.db)
      ).rows[0]?.version as number;
      const level = await cutThenRetry(
        {
          name: `receive ${i}`,
          route: `POST /api/v1/stock/${warehouseId}/${sku}/receive`,
          input: { quantity: 5 + i, reason: `chaos3 delivery ${i}` },
          key: `chaos3-key-receive-${i}`,
          token: admin,
        },
        async () =>
          (
            await sql<{ version: number }>`
              select s.version from stock_levels s join products p on p.id = s.product_id
              where s.warehouse_id = ${warehouseId} and p.sku = ${sku}`.execute(database.db)
          ).rows[0]?.version ===
          versionBefore + 1,
      );
      expect(level.version).toBe(versionBefore + 1);
      receipts.push({ warehouseId, sku, onHand: 5 + i });
    }
    const elapsed = Date.now() - started;
    expect(proxy.stats.cutOnResponse).toBe(stats.cut);

    const report = await checkCorrectness({
      db: database.db,
      apiUrl: api.url,
      adminToken: admin,
      reservations,
      orders,
      before,
      otherChanges: receipts,
    });
    expect(report.problems).toEqual([]);
    // The API survived every cut (its writes to a closed socket) and answers normally.
    expect((await send(api.url, 'GET', '/ready')).status).toBe(200);
    console.log(
      `[chaos 3: cut after COMMIT] ${stats.writes} writes (holds over tRPC and REST, confirm, release, checkout, payment, ` +
        `receipts), ${stats.cut} answers cut by the proxy at their first byte, ${stats.committedBeforeCut} already committed ` +
        `when cut, ${stats.replayedIdentical} retries with the same key got the stored answer (identical on a second retry) ` +
        `in ${elapsed} ms; check: lost ${report.lost}, duplicated ${report.duplicated}, stock = before + each effect once, ` +
        `${report.problems.length} problems`,
    );
  });
});
