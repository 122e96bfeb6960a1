/**
 * Scenario 6: a slow database.
 *
 * The API (in-process, pool of 4, statement timeout 500 ms, idle-in-transaction
 * timeout 3 s, coalescer queue bounded at 20) reaches PostgreSQL through a TCP
 * proxy that can add latency, reset connections and stall.
 *   1. A transaction in the API's own pool takes a stock row lock and hangs
 *      (a request stuck mid-transaction). A burst of reservations for that
 *      level: the coalescer queue is bounded (the overflow gets 429
 *      RATE_LIMITED at once), the rest time out at the statement timeout with
 *      503 UNAVAILABLE "took too long" and Retry-After; other products are
 *      still served. The server ends the hung session at the
 *      idle-in-transaction timeout, releasing the lock (no stuck locks), and
 *      the refused requests retried with their keys then succeed.
 *   2. 150 ms of latency per packet: requests get slow, not stuck; answers
 *      are 200 or a clear 503.
 *   3. Every database connection reset mid-request: those in flight answer 503,
 *      the pool hands out no dead connection afterwards.
 *   4. The network stalls (packets held, no reset): statement_timeout cannot
 *      fire, so the pool gives up on a connection silent for longer than any
 *      statement or idle transaction may last: 503, not a request hanging
 *      until TCP gives up. Once all is well the pool is back to normal
 *      (/metrics), answers are fast, and every refused write retried with its
 *      key applies once.
 * Note: network latency does not count towards statement_timeout (a server-side
 * clock), so the timeout is exercised with a real slow statement (a lock wait).
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../test/harness.js';
import { checkCorrectness, type ReservationIntent, snapshotLevels } from './check.js';
import {
  type Answer,
  appCodeOf,
  auth,
  login,
  metricValue,
  SERVICE_TOKEN,
  send,
  sleep,
  trpcData,
  trpcMutation,
  trpcQuery,
  waitFor,
} from './support.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const STATEMENT_TIMEOUT_MS = 500;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 3000;
const POOL_MAX = 4;
/** A pooled connection silent this long is given up (connection.ts: the larger timeout + 5 s). */
const STALL_LIMIT_MS = Math.max(STATEMENT_TIMEOUT_MS, IDLE_IN_TRANSACTION_TIMEOUT_MS) + 5000;
/** pg-pool's connectionTimeoutMillis: a new connection that cannot be made in time fails. */
const CONNECT_TIMEOUT_MS = 10_000;
const QUEUE_MAX = 20;
const HOT_SKU = 'TY-RCC-001';
/** In another coalescer shard than HOT_SKU (shards are by SKU hash). */
const OTHER_SKU = 'TY-BRD-001';
/** In the same coalescer shard as HOT_SKU: waits behind it (observed, reported). */
const SAME_SHARD_SKU = 'TY-KIT-001';
/** In a third shard (one batch at a time per shard: stalled holds of one shard queue up). */
const THIRD_SKU = 'TY-PLS-001';

let database: TestDatabase;
let dbProxy: TcpProxy;
let api: TestApi;
let admin: string;
let stuckClient: pg.PoolClient | undefined;
const wh: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase({ max: 3 });
  const direct = new URL(database.url);
  dbProxy = await startTcpProxy({ upstreams: [{ host: direct.hostname, port: Number(direct.port) }] });
  const viaProxy = new URL(database.url);
  viaProxy.host = `127.0.0.1:${dbProxy.port}`;
  api = await startTestApi(
    {
      DATABASE_URL: viaProxy.toString(),
      DB_POOL_MAX: String(POOL_MAX),
      DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(IDLE_IN_TRANSACTION_TIMEOUT_MS),
      RESERVATION_QUEUE_MAX: String(QUEUE_MAX),
      SWEEP_INTERVAL_MS: '1000',
    },
    database,
  );
  admin = await login(api.url, 'admin@example.com');
  for (const w of trpcData(await trpcQuery(api.url, 'warehouses.list', undefined, admin))) wh[w.code] = w.id;
}, 90_000);

afterAll(async () => {
  // A client still checked out would keep the pool (and so the API's close) waiting forever.
  stuckClient?.release(true);
  await api?.stop();
  await dbProxy?.close();
  await database?.destroy();
});

async function poolMetrics() {
  const text = (await send(api.url, 'GET', '/metrics', { timeoutMs: 30_000 })).body as string;
  return {
    total: metricValue(text, 'stockroom_db_pool_connections{state="total"}'),
    idle: metricValue(text, 'stockroom_db_pool_connections{state="idle"}'),
    waiting: metricValue(text, 'stockroom_db_pool_connections{state="waiting_clients"}'),
  };
}

/** Sessions of this database stuck in a transaction, and lock requests waiting. */
async function stuck() {
  const row = await sql<{ idleInTransaction: number; waiting: number }>`
    select
      (select count(*)::int from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%') as idle_in_transaction,
      (select count(*)::int from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where a.datname = current_database() and not l.granted) as waiting`.execute(database.db);
  return row.rows[0] as { idleInTransaction: number; waiting: number };
}

describe('a slow database', () => {
  it('scenario 6: timeouts answer 503 with Retry-After, queues stay bounded, no stuck locks, the pool recovers', async () => {
    const warehouseId = wh['NYC-1'] as string;
    await trpcMutation(
      api.url,
      'inventory.sync',
      {
        items: [
          { warehouseId, sku: HOT_SKU, onHand: 200 },
          { warehouseId, sku: OTHER_SKU, onHand: 200 },
          { warehouseId, sku: SAME_SHARD_SKU, onHand: 200 },
          { warehouseId, sku: THIRD_SKU, onHand: 200 },
        ],
      },
      SERVICE_TOKEN,
    ).then(trpcData);
    const before = await snapshotLevels(database.db);
    const baseline = await poolMetrics();
    type Intent = ReservationIntent & { input: unknown; key: string };
    const intents: Intent[] = [];
    const reserve = (intent: Intent) =>
      trpcMutation(api.url, 'reservations.create', intent.input, SERVICE_TOKEN, intent.key);
    const newIntent = (reference: string, sku: string) => {
      const intent: Intent = {
        reference,
        key: `k-${reference}`,
        input: { lines: [{ sku, quantity: 1, warehouseId }], reference },
      };
      intents.push(intent);
      return intent;
    };

    // ---------------------------------------------------------------- 1. a hung transaction holds a row lock
    const hung = await api.services.pool.connect();
    stuckClient = hung;
    await hung.query('begin');
    await hung.query(
      `select s.on_hand from stock_levels s join products p on p.id = s.product_id
       where s.warehouse_id = $1 and p.sku = $2 for no key update of s`,
      [warehouseId, HOT_SKU],
    );
    const lockedAt = Date.now();
    // Its session is configured like every API session.
    const settings = await api.services.pool.query(
      `select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle`,
    );
    expect(settings.rows[0]).toEqual({ statement: '500ms', idle: '3s' });

    const burst = Array.from({ length: 60 }, (_, i) => newIntent(`chaos6-hot-${i}`, HOT_SKU));
    const others = Array.from({ length: 4 }, (_, i) => newIntent(`chaos6-other-${i}`, OTHER_SKU));
    const sameShard = Array.from({ length: 2 }, (_, i) =>
      newIntent(`chaos6-same-shard-${i}`, SAME_SHARD_SKU),
    );
    const timed = async (send: () => Promise<Answer>) => {
      const started = Date.now();
      const answer = await send();
      return { answer, ms: Date.now() - started };
    };
    const [hotAnswers, receipt, otherAnswers, sameShardAnswers] = await Promise.all([
      Promise.all(burst.map((intent) => timed(() => reserve(intent)))),
      timed(() =>
        trpcMutation(
          api.url,
          'inventory.receive',
          { warehouseId, sku: HOT_SKU, quantity: 1, reason: 'blocked' },
          admin,
          'chaos6-receive',
        ),
      ),
      // Other products are still served while the locked level times out.
      sleep(50).then(() => Promise.all(others.map((intent) => timed(() => reserve(intent))))),
      sleep(50).then(() => Promise.all(sameShard.map((intent) => timed(() => reserve(intent))))),
    ]);
    const phase1Ms = Date.now() - lockedAt;

    const limited = hotAnswers.filter((x) => x.answer.status === 429);
    const timedOut = hotAnswers.filter((x) => x.answer.status === 503);
    const granted = hotAnswers.filter((x) => x.answer.status === 200);
    // Every answer is one of: bounded-queue refusal, timeout, or (after the lock went) success.
    expect(limited.length + timedOut.length + granted.length).toBe(burst.length);
    expect(limited.length).toBeGreaterThanOrEqual(burst.length / 2);
    expect(timedOut.length).toBeGreaterThan(0);
    for (const { answer } of limited) {
      expect(appCodeOf(answer)).toBe('RATE_LIMITED');
      expect(answer.headers['retry-after']).toBeDefined();
    }
    for (const { answer } of [...timedOut, receipt]) {
      expect(answer.status).toBe(503);
      expect(appCodeOf(answer)).toBe('UNAVAILABLE');
      expect(answer.body.error.message).toMatch(/took too long/);
      expect(answer.headers['retry-after']).toBeDefined();
    }
    // The overflow is refused at once, not after waiting in memory.
    const fastestTimeout = Math.min(...timedOut.map((x) => x.ms));
    const slowestLimited = Math.max(...limited.map((x) => x.ms));
    expect(slowestLimited).toBeLessThan(fastestTimeout);
    expect(fastestTimeout).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50);
    for (const { answer } of otherAnswers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    for (const [i, intent] of burst.entries()) {
      const { answer } = hotAnswers[i] as { answer: Answer };
      if (answer.status === 200) intent.acknowledged = trpcData(answer);
    }
    for (const [i, intent] of others.entries())
      intent.acknowledged = trpcData(otherAnswers[i]?.answer as Answer);

    // The server ends the hung session at the idle-in-transaction timeout: the lock goes with it.
    const lockGoneAt = await waitFor(
      async () => {
        const s = await stuck();
        return s.idleInTransaction === 0 && s.waiting === 0 ? Date.now() : undefined;
      },
      IDLE_IN_TRANSACTION_TIMEOUT_MS + 10_000,
      'the hung transaction to be ended by the server',
      100,
    );
    const killedAfter = lockGoneAt - lockedAt;
    expect(killedAfter).toBeGreaterThanOrEqual(IDLE_IN_TRANSACTION_TIMEOUT_MS - 500);
    // Its client is broken now: whoever held it finds out at the next query, and the pool drops it.
    await expect(hung.query('select 1')).rejects.toThrow();
    stuckClient = undefined;
    hung.release(true);

    // Refused requests retried with their keys now go through, once each.
    const retryStarted = Date.now();
    let retries = 0;
    for (const intent of [...burst, ...sameShard].filter((i) => !i.acknowledged)) {
      for (let attempt = 1; ; attempt++) {
        if (attempt > 50) throw new Error(`${intent.reference} never went through`);
        retries++;
        const answer = await reserve(intent);
        if (answer.status === 200) {
          intent.acknowledged = trpcData(answer);
          break;
        }
        expect([429, 503]).toContain(answer.status);
        await sleep(100);
      }
    }
    const retryMs = Date.now() - retryStarted;

    // ---------------------------------------------------------------- 2. latency
    dbProxy.latencyMs = 150;
    const slowStarted = Date.now();
    const slowIntents = Array.from({ length: 10 }, (_, i) => newIntent(`chaos6-slow-${i}`, OTHER_SKU));
    let peakWaiting = 0;
    const sampler = (async () => {
      while (Date.now() - slowStarted < 3000) {
        peakWaiting = Math.max(peakWaiting, api.services.pool.waitingCount);
        await sleep(50);
      }
    })();
    const slow = await Promise.all([
      ...slowIntents.map((intent) => timed(() => reserve(intent))),
      ...Array.from({ length: 6 }, () =>
        timed(() => trpcQuery(api.url, 'inventory.get', { warehouseId, sku: OTHER_SKU }, admin)),
      ),
    ]);
    await sampler;
    const slowMs = Date.now() - slowStarted;
    for (const { answer } of slow) {
      if (answer.status === 503) {
        expect(appCodeOf(answer)).toBe('UNAVAILABLE');
        expect(answer.headers['retry-after']).toBeDefined();
      } else expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    const slowOk = slow.filter((x) => x.answer.status === 200);
    const slowest = Math.max(...slow.map((x) => x.ms));
    for (const [i, intent] of slowIntents.entries()) {
      const { answer } = slow[i] as { answer: Answer };
      if (answer.status === 200) intent.acknowledged = trpcData(answer);
      else intent.refused = appCodeOf(answer);
    }
    dbProxy.latencyMs = 0;

    // ---------------------------------------------------------------- 3. every connection reset at once
    dbProxy.latencyMs = 200; // what holds a connection is still in flight when they go
    // Connections with a statement sent and no answer yet: cut when every pool
    // connection is in that state (not after a guessed sleep), so the reset
    // surely lands on statements in flight.
    const busy = new Set<Record<string, unknown>>();
    dbProxy.tap = (direction, _chunk, connection) => {
      if (direction === 'request') busy.add(connection);
      else busy.delete(connection);
      return 'pass';
    };
    const resetIntents = Array.from({ length: 4 }, (_, i) => newIntent(`chaos6-reset-${i}`, OTHER_SKU));
    const inFlight = Promise.all([
      ...resetIntents.map((intent) => reserve(intent)),
      ...Array.from({ length: 4 }, () =>
        trpcQuery(api.url, 'inventory.get', { warehouseId, sku: OTHER_SKU }, admin),
      ),
    ]);
    for (let waited = 0; busy.size < POOL_MAX && waited < 3000; waited += 10) await sleep(10);
    const busyAtCut = busy.size;
    const resetConnections = dbProxy.cutAll();
    dbProxy.tap = undefined;
    dbProxy.latencyMs = 0;
    const afterReset = await inFlight;
    for (const answer of afterReset) {
      if (answer.status === 503) {
        expect(appCodeOf(answer)).toBe('UNAVAILABLE');
        expect(answer.headers['retry-after']).toBeDefined();
      } else expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    const resetFailed = afterReset.filter((a) => a.status === 503).length;
    expect(resetFailed).toBeGreaterThan(0);
    for (const [i, intent] of resetIntents.entries()) {
      const answer = afterReset[i] as Answer;
      if (answer.status === 200) intent.acknowledged = trpcData(answer);
      else intent.refused = 'UNAVAILABLE';
    }
    // The pool hands out no dead connection afterwards: the very next requests succeed.
    const nextAfterReset = await Promise.all(
      Array.from({ length: POOL_MAX + 2 }, () =>
        trpcQuery(api.url, 'inventory.get', { warehouseId, sku: OTHER_SKU }, admin),
      ),
    );
    expect(nextAfterReset.map((a) => a.status)).toEqual(nextAfterReset.map(() => 200));

    // ---------------------------------------------------------------- 4. the network stalls (no reset)
    // statement_timeout cannot fire (the server never sees the query), TCP would wait
    // for many minutes; the pool gives up on a connection silent for longer than any
    // statement or idle transaction may last, and the request answers 503.
    await sleep(300);
    dbProxy.stall();
    const stallStarted = Date.now();
    const stalledIntents = [OTHER_SKU, THIRD_SKU].map((sku, i) => newIntent(`chaos6-stalled-${i}`, sku));
    const patient = { timeoutMs: 60_000 };
    const stalled = await Promise.all([
      ...stalledIntents.map((intent) =>
        timed(() =>
          send(api.url, 'POST', '/trpc/reservations.create', {
            body: intent.input,
            headers: auth(SERVICE_TOKEN, intent.key),
            ...patient,
          }),
        ),
      ),
      ...Array.from({ length: 4 }, () =>
        timed(() =>
          send(
            api.url,
            'GET',
            `/trpc/inventory.get?input=${encodeURIComponent(JSON.stringify({ warehouseId, sku: OTHER_SKU }))}`,
            { headers: auth(admin), ...patient },
          ),
        ),
      ),
    ]);
    const stallMs = Date.now() - stallStarted;
    dbProxy.resume();
    for (const { answer, ms } of stalled) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(503);
      expect(appCodeOf(answer)).toBe('UNAVAILABLE');
      expect(answer.headers['retry-after']).toBeDefined();
      // Given up within the stall limit — plus, for a hold, one retry on a new connection
      // (the coalescer's one-by-one fallback) that cannot be made within the connect timeout.
      expect(ms).toBeLessThan(STALL_LIMIT_MS + CONNECT_TIMEOUT_MS + 3000);
    }
    for (const intent of stalledIntents) intent.refused = 'UNAVAILABLE';
    const stalledHolds = stalled.slice(0, stalledIntents.length).map((x) => x.ms);
    const stalledReads = stalled.slice(stalledIntents.length).map((x) => x.ms);

    // ---------------------------------------------------------------- recovery
    const recoveryStarted = Date.now();
    const recovered = await waitFor(
      async () => {
        const m = await poolMetrics();
        const quick = await timed(() =>
          trpcQuery(api.url, 'inventory.get', { warehouseId, sku: HOT_SKU }, admin),
        );
        return m.waiting === 0 && (m.total ?? 99) <= POOL_MAX && quick.answer.status === 200 && quick.ms < 500
          ? { metrics: m, ms: quick.ms }
          : undefined;
      },
      20_000,
      'the pool to recover',
      100,
    );
    const recoveryMs = Date.now() - recoveryStarted;
    // The stalled requests had no effect (503 means rolled back); with their keys they now go through.
    // Requests answered 503 during any phase, retried with their keys now, apply once
    // (a 503 may come after a COMMIT whose answer was lost: the retry replays it).
    for (const intent of intents.filter((i) => i.refused === 'UNAVAILABLE')) {
      const answer = await reserve(intent);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      intent.refused = undefined;
      intent.acknowledged = trpcData(answer);
    }
    const locks = await stuck();
    expect(locks).toEqual({ idleInTransaction: 0, waiting: 0 });
    expect((await send(api.url, 'GET', '/ready')).status).toBe(200);

    const report = await checkCorrectness({
      db: database.db,
      apiUrl: api.url,
      adminToken: admin,
      reservations: intents,
      before,
    });
    expect(report.problems).toEqual([]);
    console.log(
      `[chaos 6: slow database] row lock held by a hung transaction in the API's pool (statement timeout ` +
        `${STATEMENT_TIMEOUT_MS} ms, idle-in-transaction ${IDLE_IN_TRANSACTION_TIMEOUT_MS} ms, pool ${POOL_MAX}, queue ` +
        `${QUEUE_MAX}): burst of ${burst.length} holds → ${limited.length} × 429 RATE_LIMITED at once (≤ ${slowestLimited} ms), ` +
        `${timedOut.length} × 503 UNAVAILABLE "took too long" + Retry-After (from ${fastestTimeout} ms), ${granted.length} ` +
        `granted after the lock went; a blocked receipt → 503; other products served meanwhile (${otherAnswers.length}/` +
        `${otherAnswers.length}), while a product sharing the hot one's coalescer shard got ` +
        `${sameShardAnswers.map((x) => `${x.answer.status} after ${x.ms} ms`).join(', ')}; phase took ${phase1Ms} ms; the server ended the hung session after ${killedAfter} ms (lock ` +
        `released, 0 idle-in-transaction, 0 lock waits); ${retries} retries with the same keys → all applied once in ` +
        `${retryMs} ms. Latency 150 ms/packet: ${slow.length} requests in ${slowMs} ms, ${slowOk.length} OK, ` +
        `${slow.length - slowOk.length} × 503, slowest ${slowest} ms, ${peakWaiting} waiting for a connection at peak. ` +
        `All ${resetConnections} database connections reset (${busyAtCut} with a statement in flight): ${resetFailed}/${afterReset.length} requests → 503 (the ` +
        `others were still waiting for a connection, or retried by the coalescer on a new one), the next ${nextAfterReset.length} requests all OK. ` +
        `Network stalled (no reset): ${stalled.length}/${stalled.length} requests → 503 UNAVAILABLE + Retry-After (silent ` +
        `connection given up after ${STALL_LIMIT_MS} ms): reads after ${Math.min(...stalledReads)}–` +
        `${Math.max(...stalledReads)} ms, holds after ${stalledHolds.join(', ')} ms (batch + one-by-one fallback), stall ` +
        `lasted ${stallMs} ms; ` +
        `network healthy again → pool back to ${recovered.metrics.total} connections, 0 waiting (baseline ${baseline.total}) and a ` +
        `read in ${recovered.ms} ms after ${recoveryMs} ms; check: lost ${report.lost}, duplicated ${report.duplicated}, ` +
        `${report.problems.length} problems`,
    );
  });
});
