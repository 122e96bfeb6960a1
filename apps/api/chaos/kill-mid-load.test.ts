/**
 * Scenarios 1 and 4: SIGKILL an API process in the middle of a load.
 *
 * A (a real child process, also running the expiry sweeper) takes a load of
 * reservations, confirmations and checkouts with payment; every write carries
 * its own Idempotency-Key and a unique reference. A is SIGKILLed mid-load, at
 * the worst moment: A talks to PostgreSQL through a TCP proxy that watches the
 * wire, and the kill comes the instant PostgreSQL acknowledges the COMMIT of a
 * keyed write — the effect is durable, A never learns it, nobody gets an answer.
 * The client retries every request that got no answer — same key, same body —
 * against B (in-process), until it is answered. Afterwards:
 *   1. every intended effect is applied exactly once, every acknowledged answer
 *      is what the database holds, and stock = before + acknowledged effects;
 *   4. the short holds A took (never confirmed) expire on time through B's
 *      sweeper, though A — which was sweeping too — is gone.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../test/harness.js';
import {
  checkCorrectness,
  type LevelSnapshot,
  type OrderIntent,
  type ReservationIntent,
  snapshotLevels,
} from './check.js';
import {
  type Answer,
  appCodeOf,
  type ChildApi,
  type Json,
  login,
  NoAnswer,
  pool,
  SERVICE_TOKEN,
  sleep,
  spawnApi,
  trpcData,
  trpcMutation,
  trpcQuery,
  waitFor,
} from './support.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const SHORT_TTL_SECONDS = 8;
/** "On time": the sweeper runs every 200 ms; this allows for a loaded 2-core machine. */
const EXPIRY_LATENESS_LIMIT_MS = 10_000;
const HOT_SKU = 'SP-BLL-001';
const HOT_UNITS = 30;
const SKUS = ['EL-HDP-001', 'KT-KTL-001', 'OD-TNT-001', 'AP-TEE-001', 'HM-CND-001', 'OF-NTB-001'];
const CITIES = [
  { latitude: 40.71, longitude: -74.0 },
  { latitude: 41.88, longitude: -87.63 },
  { latitude: 32.78, longitude: -96.8 },
  { latitude: 34.05, longitude: -118.24 },
  { latitude: 47.61, longitude: -122.33 },
];
/** A is killed (at the next keyed COMMIT) once it has answered this many requests. */
const KILL_AFTER_ANSWERS = 70;
const CONCURRENCY = 16;

let database: TestDatabase;
let a: ChildApi | undefined;
let b: TestApi;
/** Between A and PostgreSQL. */
let dbProxy: TcpProxy;
let admin: string;
const wh: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase({ max: 5 });
  b = await startTestApi({ DB_POOL_MAX: '10', SWEEP_INTERVAL_MS: '200' }, database);
  const direct = new URL(database.url);
  dbProxy = await startTcpProxy({ upstreams: [{ host: direct.hostname, port: Number(direct.port) }] });
  const viaProxy = new URL(database.url);
  viaProxy.host = `127.0.0.1:${dbProxy.port}`;
  a = await spawnApi({
    DATABASE_URL: viaProxy.toString(),
    DB_POOL_MAX: '10',
    SWEEP_INTERVAL_MS: '200',
  });
  admin = await login(b.url, 'admin@example.com');
  for (const w of trpcData(await trpcQuery(b.url, 'warehouses.list', undefined, admin))) wh[w.code] = w.id;
}, 90_000);

afterAll(async () => {
  await a?.kill();
  await dbProxy?.close();
  await b?.stop();
  await database?.destroy();
});

/** The tag of a PostgreSQL CommandComplete message for COMMIT or ROLLBACK in `chunk`, if any. */
function transactionEnd(chunk: Buffer): 'COMMIT' | 'ROLLBACK' | undefined {
  for (const tag of ['COMMIT', 'ROLLBACK'] as const) {
    const at = chunk.indexOf(`${tag}\0`, 0, 'latin1');
    // 'C', int32 length (4 + tag + NUL), tag.
    if (at >= 5 && chunk[at - 5] === 0x43 && chunk.readInt32BE(at - 4) === 4 + tag.length + 1) return tag;
  }
  return undefined;
}

/** Deterministic pseudo-random numbers (the load is the same every run). */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Step {
  procedure: string;
  input: Json;
  key: string;
}

describe('SIGKILL of an API process mid-load', () => {
  const reservations: (ReservationIntent & { ackBy?: 'A' | 'B'; short?: boolean })[] = [];
  const orders: OrderIntent[] = [];
  let before: LevelSnapshot[];
  let killedAt = 0;
  let killedAtDb: Date | undefined;

  it('scenario 1: every unanswered request retried with its key on another process applies exactly once', async () => {
    const service = (procedure: string, input: Json) =>
      trpcMutation(b.url, procedure, input, SERVICE_TOKEN).then(trpcData);
    // Known stock: plenty of the everyday SKUs everywhere; a scarce hot level.
    await service('inventory.sync', {
      items: [
        ...SKUS.flatMap((sku) => Object.values(wh).map((warehouseId) => ({ warehouseId, sku, onHand: 150 }))),
        { warehouseId: wh['DFW-1'], sku: HOT_SKU, onHand: HOT_UNITS },
      ],
    });
    await sleep(300); // let the sweeper and events settle before the snapshot
    before = await snapshotLevels(database.db);

    // ---------------------------------------------------------------- the load
    const stats = {
      requests: 0,
      answeredByA: 0,
      answeredByB: 0,
      inFlightAtKill: 0,
      cutByKill: 0,
      refusedByDeadA: 0,
      busy: 0,
    };
    let inFlightA = 0;
    const unansweredKeys = new Set<string>();
    /** The final successful answer to each request A never answered. */
    const retriedAnswers = new Map<string, Json>();

    const kill = (how: string) => {
      if (killedAt || !a) return;
      killedAt = Date.now();
      killedHow = how;
      stats.inFlightAtKill = inFlightA;
      a.child.kill('SIGKILL');
    };
    // Armed after KILL_AFTER_ANSWERS answers: the next COMMIT of a transaction that
    // stored an idempotent answer (a keyed write that took effect) is acknowledged by
    // PostgreSQL, but A never sees the acknowledgement — it is killed, its link to the
    // database dead.
    let armedAt = 0;
    let killedHow = '';
    dbProxy.tap = (direction, chunk, connection) => {
      if (killedAt) return 'drop';
      if (direction === 'request') {
        if (/update "?idempotency_records"?( r)? set "?response/.test(chunk.toString('latin1')))
          connection.keyed = true;
        return 'pass';
      }
      const end = transactionEnd(chunk);
      if (end === 'COMMIT' && connection.keyed && armedAt) {
        kill('at the COMMIT acknowledgement of a keyed write');
        return 'drop';
      }
      if (end) connection.keyed = false;
      return 'pass';
    };
    const arm = () => {
      if (armedAt) return;
      armedAt = Date.now();
      // Should no keyed commit come along, kill anyway.
      setTimeout(() => kill('by the fallback timer'), 3000).unref();
    };

    /** Send one write; on no answer, retry it — same key, same body — against B until answered. */
    const call = async (step: Step): Promise<{ answer: Answer; via: 'A' | 'B' }> => {
      stats.requests++;
      let via: 'A' | 'B' = 'A';
      for (let attempt = 1; attempt <= 50; attempt++) {
        const toA = via === 'A';
        if (toA) inFlightA++;
        let answer: Answer;
        try {
          answer = await trpcMutation(
            toA ? (a as ChildApi).url : b.url,
            step.procedure,
            step.input,
            SERVICE_TOKEN,
            step.key,
          );
        } catch (error) {
          if (!(error instanceof NoAnswer)) throw error;
          if (!toA) {
            await sleep(100);
            continue;
          }
          if (error.code === 'ECONNREFUSED') stats.refusedByDeadA++;
          else stats.cutByKill++;
          unansweredKeys.add(step.key);
          via = 'B';
          continue;
        } finally {
          if (toA) inFlightA--;
        }
        if (toA) stats.answeredByA++;
        else stats.answeredByB++;
        if (stats.answeredByA >= KILL_AFTER_ANSWERS) arm();
        if (answer.status === 503 || answer.status === 429) {
          stats.busy++;
          await sleep(100);
          continue;
        }
        if (unansweredKeys.has(step.key) && answer.status === 200)
          retriedAnswers.set(step.key, trpcData(answer));
        return { answer, via };
      }
      throw new Error(`no answer for ${step.procedure} ${step.key}`);
    };

    const rnd = random(20_261_125);
    const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)] as T;
    const lines = () => {
      const count = 1 + Math.floor(rnd() * 2);
      const skus = [...new Set(Array.from({ length: count }, () => pick(SKUS)))];
      return skus.map((sku) => ({ sku, quantity: 1 + Math.floor(rnd() * 3) }));
    };
    type Flow = () => Promise<void>;
    const shortFlows: Flow[] = [];
    const otherFlows: Flow[] = [];

    // Short holds taken through A, never confirmed: they must expire (scenario 4).
    for (let i = 0; i < 30; i++) {
      const intent: (typeof reservations)[number] = { reference: `chaos1-short-${i}`, short: true };
      reservations.push(intent);
      const input = {
        lines: lines(),
        shipTo: pick(CITIES),
        ttlSeconds: SHORT_TTL_SECONDS,
        reference: intent.reference,
      };
      shortFlows.push(async () => {
        const { answer, via } = await call({
          procedure: 'reservations.create',
          input,
          key: `k-${intent.reference}`,
        });
        if (answer.status === 200) {
          intent.acknowledged = trpcData(answer);
          intent.ackBy = via;
          intent.expect = 'expired';
        } else intent.refused = appCodeOf(answer);
      });
    }
    // Everyone wants one unit of the scarce level.
    for (let i = 0; i < 80; i++) {
      const intent: (typeof reservations)[number] = { reference: `chaos1-hot-${i}` };
      reservations.push(intent);
      const input = {
        lines: [{ sku: HOT_SKU, quantity: 1, warehouseId: wh['DFW-1'] }],
        reference: intent.reference,
      };
      otherFlows.push(async () => {
        const { answer, via } = await call({
          procedure: 'reservations.create',
          input,
          key: `k-${intent.reference}`,
        });
        if (answer.status === 200) {
          intent.acknowledged = trpcData(answer);
          intent.ackBy = via;
        } else intent.refused = appCodeOf(answer);
      });
    }
    // Plain holds, every third one confirmed afterwards.
    for (let i = 0; i < 90; i++) {
      const intent: (typeof reservations)[number] = { reference: `chaos1-plain-${i}` };
      reservations.push(intent);
      const input = { lines: lines(), shipTo: pick(CITIES), reference: intent.reference };
      otherFlows.push(async () => {
        const { answer, via } = await call({
          procedure: 'reservations.create',
          input,
          key: `k-${intent.reference}`,
        });
        if (answer.status !== 200) {
          intent.refused = appCodeOf(answer);
          return;
        }
        intent.acknowledged = trpcData(answer);
        intent.ackBy = via;
        if (i % 3 !== 0) return;
        const confirmed = await call({
          procedure: 'reservations.confirm',
          input: { id: intent.acknowledged.id },
          key: `k-${intent.reference}-confirm`,
        });
        expect(confirmed.answer.status, JSON.stringify(confirmed.answer.body)).toBe(200);
        intent.expect = 'confirmed';
      });
    }
    // Checkouts, each paid right away.
    for (let i = 0; i < 40; i++) {
      const intent: OrderIntent = { address: `chaos1-order-${i}`, paymentReference: `chaos1-pay-${i}` };
      orders.push(intent);
      const input = { lines: lines(), shipTo: { ...pick(CITIES), address: intent.address } };
      otherFlows.push(async () => {
        const started = await call({ procedure: 'checkout.start', input, key: `k-${intent.address}` });
        if (started.answer.status !== 200) {
          intent.refused = appCodeOf(started.answer);
          return;
        }
        intent.order = trpcData(started.answer);
        const paid = await call({
          procedure: 'checkout.paymentSucceeded',
          input: { orderId: intent.order.id, paymentReference: intent.paymentReference },
          key: `k-${intent.address}-paid`,
        });
        intent.paid = trpcData(paid.answer);
      });
    }
    // Shuffle the rest (deterministically); the short holds go first.
    for (let i = otherFlows.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [otherFlows[i], otherFlows[j]] = [otherFlows[j] as Flow, otherFlows[i] as Flow];
    }
    const flows = [...shortFlows, ...otherFlows];

    const loadStarted = Date.now();
    await pool(flows, CONCURRENCY, (flow) => flow());
    const loadMs = Date.now() - loadStarted;
    expect(killedAt, 'A was killed mid-load').toBeGreaterThan(0);
    await a?.kill();
    expect(a?.alive).toBe(false);
    killedAtDb = new Date(killedAt);

    // ---------------------------------------------------------------- checks
    // Exactly the scarce units were sold, no more, no fewer.
    const hot = reservations.filter((r) => r.reference.startsWith('chaos1-hot-'));
    expect(hot.filter((r) => r.acknowledged)).toHaveLength(HOT_UNITS);
    for (const r of hot.filter((r) => !r.acknowledged)) expect(r.refused).toBe('INSUFFICIENT_STOCK');
    // Every retried request's answer is the one stored with its effect (A's, if A had
    // committed before dying: B replayed it; else B's own).
    const stored = await sql<{ key: string; response: Json; byA: boolean }>`
      select key, response, created_at < ${killedAtDb} as by_a from idempotency_records
      where key = any(${[...retriedAnswers.keys()]}::text[])`.execute(database.db);
    expect(stored.rows).toHaveLength(retriedAnswers.size);
    for (const row of stored.rows) expect(retriedAnswers.get(row.key), row.key).toEqual(row.response);
    const replayed = stored.rows.filter((r) => r.byA).length;
    if (killedHow.startsWith('at the COMMIT')) expect(replayed).toBeGreaterThan(0);

    // The short holds are checked (expired) in scenario 4; everything else now.
    const settled = reservations.filter((r) => !r.short);
    const report = await checkCorrectness({
      db: database.db,
      apiUrl: b.url,
      adminToken: admin,
      reservations: settled,
      orders,
    });
    expect(report.problems).toEqual([]);
    console.log(
      `[chaos 1: SIGKILL mid-load] ${stats.requests} writes (${reservations.length} holds, ${orders.length} checkouts+payments, ` +
        `${settled.filter((r) => r.expect === 'confirmed').length} confirmations) in ${loadMs} ms; ` +
        `A answered ${stats.answeredByA} then was SIGKILLed ${killedHow} with ${stats.inFlightAtKill} requests in flight; ` +
        `${stats.cutByKill} cut + ${stats.refusedByDeadA} refused → ${unansweredKeys.size} retried on B with the same key ` +
        `(${replayed} of them had committed on A before the kill and got A's stored answer from B; every retried ` +
        `answer = the stored one); ` +
        `hot level: ${HOT_UNITS}/${hot.length} granted; check: ${report.levels} levels, ${report.reservations} holds, ` +
        `${report.orders} orders — lost ${report.lost}, duplicated ${report.duplicated}`,
    );
  });

  it('scenario 4: the pending holds of the killed process expire on time through the other process', async () => {
    expect(killedAtDb, 'scenario 1 ran').toBeDefined();
    const shorts = reservations.filter((r) => r.short);
    const granted = shorts.filter((r) => r.acknowledged);
    const byA = granted.filter((r) => r.ackBy === 'A');
    expect(byA.length).toBeGreaterThan(0);
    const refs = granted.map((r) => r.reference);
    const lastDue = Math.max(...granted.map((r) => Date.parse(r.acknowledged.expiresAt)));

    // Watch the database only: nobody reads the holds (no lazy expiry).
    await waitFor(
      async () => {
        const pending = await sql<{ n: number }>`
          select count(*)::int as n from reservations where reference = any(${refs}::text[]) and status <> 'expired'`.execute(
          database.db,
        );
        return pending.rows[0]?.n === 0;
      },
      SHORT_TTL_SECONDS * 1000 + 15_000,
      'the short holds to expire',
    );
    const doneAt = Date.now();
    const timing = await sql<{ reference: string; dueAfterKill: boolean; lateMs: number; early: boolean }>`
      select r.reference, r.expires_at > ${killedAtDb} as due_after_kill,
             (extract(epoch from (m.at - r.expires_at)) * 1000)::int as late_ms,
             m.at < r.expires_at as early
      from reservations r
      join lateral (select min(created_at) as at from stock_movements
                    where reference = r.id::text and kind = 'expire') m on true
      where r.reference = any(${refs}::text[])`.execute(database.db);
    expect(timing.rows).toHaveLength(granted.length);
    expect(timing.rows.filter((t) => t.early)).toEqual([]);
    // A's holds still running when A died: only B can have ended them.
    const aRefs = new Set(byA.map((r) => r.reference));
    const fromA = timing.rows.filter((t) => aRefs.has(t.reference) && t.dueAfterKill);
    expect(fromA.length).toBeGreaterThan(0);
    const maxLate = Math.max(...timing.rows.map((t) => t.lateMs));
    expect(maxLate).toBeLessThan(EXPIRY_LATENESS_LIMIT_MS);

    const report = await checkCorrectness({
      db: database.db,
      apiUrl: b.url,
      adminToken: admin,
      reservations,
      orders,
      before,
    });
    expect(report.problems).toEqual([]);
    console.log(
      `[chaos 4: holds of a killed process] ${granted.length} short holds (${SHORT_TTL_SECONDS} s), ${byA.length} taken by A ` +
        `(which also swept), ${fromA.length} of them due after its SIGKILL; all expired through B, none early, at most ${maxLate} ms ` +
        `after expiresAt (last one ${doneAt - lastDue} ms after the last due time); full check incl. stock = before + ` +
        `acknowledged: ${report.problems.length} problems, lost ${report.lost}, duplicated ${report.duplicated}`,
    );
  });
});
