/**
 * Scenario 2: PostgreSQL restarts under load.
 *
 * A real API child process runs over a PostgreSQL server the test owns (own
 * data directory, fixed port). Under light continuous load (reservations with
 * idempotency keys, REST and tRPC reads) the server is stopped (fast shutdown:
 * every session is terminated), kept down ~3 s, and started again on the same
 * port. While it is down the API answers 503 UNAVAILABLE with Retry-After on
 * /trpc and REST, /ready says 503, and the process stays alive. Once it is
 * back, /ready is 200, writes succeed and the LISTEN connection is back (an
 * event reaches a subscriber that stayed connected through the outage) —
 * without restarting the API. Writes retried with their key apply once.
 */
import { createDb, type Db } from '@stockroom/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCorrectness, type ReservationIntent } from './check.js';
import {
  type Answer,
  appCodeOf,
  type ChildApi,
  login,
  NoAnswer,
  type OwnPostgres,
  SERVICE_TOKEN,
  send,
  sleep,
  spawnApi,
  startOwnPostgres,
  subscribe,
  trpcData,
  trpcMutation,
  trpcQuery,
  waitFor,
} from './support.js';

const DOWN_MS = 3000;
const SKUS = ['EL-SPK-001', 'KT-PAN-001', 'OD-BTL-001', 'AP-SCK-001'];

let pg: OwnPostgres;
let api: ChildApi;
let db: Db;
let admin: string;
const wh: Record<string, string> = {};

beforeAll(async () => {
  pg = await startOwnPostgres();
  api = await spawnApi({
    DATABASE_URL: pg.url,
    SEED_DEMO: 'true',
    DB_POOL_MAX: '10',
    SWEEP_INTERVAL_MS: '500',
  });
  ({ db } = createDb({ connectionString: pg.url, max: 3 }));
  admin = await login(api.url, 'admin@example.com');
  for (const w of trpcData(await trpcQuery(api.url, 'warehouses.list', undefined, admin))) wh[w.code] = w.id;
}, 90_000);

afterAll(async () => {
  if (api && !api.alive) console.log(`API output:\n${api.output().slice(-4000)}`);
  await api?.kill();
  await db?.destroy().catch(() => {});
  await pg?.destroy();
});

interface Sample {
  at: number;
  kind: 'write' | 'rest-read' | 'trpc-read' | 'ready';
  status: number | 'no-answer';
  appCode?: string | undefined;
  retryAfter?: string | undefined;
}

describe('PostgreSQL restart under load', () => {
  it('scenario 2: 503 + Retry-After while the database is down, no crash, full recovery without restarting the API', async () => {
    await trpcMutation(
      api.url,
      'inventory.sync',
      {
        items: SKUS.flatMap((sku) =>
          Object.values(wh).map((warehouseId) => ({ warehouseId, sku, onHand: 500 })),
        ),
      },
      SERVICE_TOKEN,
    ).then(trpcData);
    const subscriber = subscribe(api.url, admin, ['stock.changed']);
    await waitFor(() => subscriber.started, 10_000, 'the subscription to start');

    const samples: Sample[] = [];
    const record = (kind: Sample['kind'], answer: Answer | undefined) => {
      samples.push({
        at: Date.now(),
        kind,
        status: answer ? answer.status : 'no-answer',
        appCode: answer ? appCodeOf(answer) : undefined,
        retryAfter: answer?.headers['retry-after'] as string | undefined,
      });
    };
    const orNoAnswer = (promise: Promise<Answer>) =>
      promise.catch((error) => {
        if (error instanceof NoAnswer) return undefined;
        throw error;
      });

    // ---------------------------------------------------------------- light continuous load
    const intents: ReservationIntent[] = [];
    let running = true;
    let writeRetries = 0;
    const writer = async (w: number) => {
      for (let n = 0; running; n++) {
        const intent: ReservationIntent = { reference: `chaos2-${w}-${n}` };
        intents.push(intent);
        const input = {
          lines: [{ sku: SKUS[(w + n) % SKUS.length] as string, quantity: 1 }],
          shipTo: { latitude: 40.7, longitude: -74 + w },
          reference: intent.reference,
        };
        // Until it has a final answer: same key, same body, honouring Retry-After.
        for (let attempt = 0; ; attempt++) {
          const answer = await orNoAnswer(
            trpcMutation(api.url, 'reservations.create', input, SERVICE_TOKEN, `k-${intent.reference}`),
          );
          record('write', answer);
          if (answer?.status === 200) {
            intent.acknowledged = trpcData(answer);
            break;
          }
          if (answer && answer.status !== 503 && answer.status !== 429) {
            intent.refused = appCodeOf(answer) ?? String(answer.status);
            break;
          }
          writeRetries++;
          const wait = Number(answer?.headers['retry-after'] ?? 1);
          await sleep(Math.min(wait, 2) * 1000);
          if (attempt > 60) throw new Error(`write ${intent.reference} never answered`);
        }
        await sleep(40);
      }
    };
    const reader = async () => {
      for (let n = 0; running; n++) {
        const sku = SKUS[n % SKUS.length] as string;
        const rest = await orNoAnswer(
          send(api.url, 'GET', `/api/v1/stock/${wh['NYC-1']}/${sku}`, {
            headers: { authorization: `Bearer ${admin}` },
          }),
        );
        record('rest-read', rest);
        record('trpc-read', await orNoAnswer(trpcQuery(api.url, 'products.get', { sku }, admin)));
        record('ready', await orNoAnswer(send(api.url, 'GET', '/ready')));
        await sleep(80);
      }
    };
    const load = Promise.all([writer(0), writer(1), writer(2), reader()]);

    // A hold that falls due while the database is down: the sweeper must still end it afterwards.
    const dueInOutage: ReservationIntent = { reference: 'chaos2-due-during-outage', expect: 'expired' };
    dueInOutage.acknowledged = trpcData(
      await trpcMutation(
        api.url,
        'reservations.create',
        { lines: [{ sku: SKUS[0] as string, quantity: 2 }], ttlSeconds: 2, reference: dueInOutage.reference },
        SERVICE_TOKEN,
        'k-chaos2-due-during-outage',
      ),
    );
    intents.push(dueInOutage);

    await sleep(1500);
    // ---------------------------------------------------------------- the outage
    const stopping = Date.now();
    await pg.stop();
    const down = Date.now();
    // Probes that need the database for authentication or login.
    await sleep(500);
    const unknownToken = await send(api.url, 'GET', '/trpc/auth.me', {
      headers: { authorization: 'Bearer not-a-known-service-token' },
    });
    const loginDown = await trpcMutation(
      api.url,
      'auth.login',
      { email: 'staff@example.com', password: 'x' },
      '',
    );
    // Monitoring keeps working: /metrics answers (database gauges just keep their last values).
    const metricsDown = await send(api.url, 'GET', '/metrics', { timeoutMs: 5000 });
    await sleep(Math.max(0, DOWN_MS - (Date.now() - down)));
    expect(api.alive, `the API process died:\n${api.output().slice(-3000)}`).toBe(true);
    const starting = Date.now();
    await pg.start();
    const up = Date.now();

    const readyAt = await waitFor(
      async () => ((await send(api.url, 'GET', '/ready')).status === 200 ? Date.now() : undefined),
      30_000,
      '/ready to turn 200',
    );
    const writeOkAt = await waitFor(
      () => samples.find((s) => s.kind === 'write' && s.status === 200 && s.at > up)?.at,
      30_000,
      'a write to succeed after the restart',
    );
    // The one LISTEN connection is back (exactly one: no doubled retry).
    const listeners = async () =>
      (
        await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity where application_name = 'stockroom-listener'`.execute(
          db,
        )
      ).rows[0]?.n;
    const listenAt = await waitFor(
      async () => ((await listeners()) === 1 ? Date.now() : undefined),
      15_000,
      'the LISTEN connection to come back',
    );
    await sleep(1500);
    running = false;
    await load;
    expect(await listeners()).toBe(1);

    // A subscriber that stayed connected through the outage gets a change made after it.
    const received = await trpcMutation(
      api.url,
      'inventory.receive',
      { warehouseId: wh['SEA-1'], sku: 'OF-PEN-001', quantity: 3, reason: 'after the restart' },
      admin,
      'chaos2-receive-after',
    ).then(trpcData);
    const eventAt = Date.now();
    await waitFor(
      () =>
        subscriber.received.some(
          (e) =>
            e.data.type === 'stock.changed' &&
            e.data.payload.sku === 'OF-PEN-001' &&
            e.data.payload.warehouseId === wh['SEA-1'] &&
            e.data.payload.version === received.version,
        ),
      10_000,
      'the event to reach the subscriber connected through the outage',
    );
    const eventMs = Date.now() - eventAt;
    subscriber.stop();
    // The hold that fell due during the outage was ended by the sweeper once the database was back.
    const expiredAt = await waitFor(
      async () => {
        const row = await sql<{ at: number | null }>`
          select (extract(epoch from m.created_at) * 1000)::float8 as at
          from reservations r join stock_movements m on m.reference = r.id::text and m.kind = 'expire'
          where r.reference = ${dueInOutage.reference} and r.status = 'expired'`.execute(db);
        return row.rows[0]?.at ?? undefined;
      },
      15_000,
      'the hold due during the outage to expire',
    );
    expect(Date.parse(dueInOutage.acknowledged.expiresAt)).toBeLessThan(starting);

    // ---------------------------------------------------------------- what the clients saw
    const during = samples.filter((s) => s.at > down && s.at < starting);
    const failures = during.filter((s) => s.status !== 200);
    expect(during.length).toBeGreaterThan(10);
    // Every answer while the database was down: 503 UNAVAILABLE with Retry-After (never a crash, a 500, a hang).
    const unexpected = samples.filter(
      (s) => s.status !== 200 && !(s.status === 503 && (s.kind === 'ready' || s.appCode === 'UNAVAILABLE')),
    );
    expect(unexpected).toEqual([]);
    for (const s of samples.filter((s) => s.status === 503))
      expect(s.retryAfter, JSON.stringify(s)).toBeDefined();
    for (const kind of ['write', 'rest-read', 'trpc-read', 'ready'] as const) {
      expect(
        during.some((s) => s.kind === kind && s.status === 503),
        `a 503 for ${kind} during the outage`,
      ).toBe(true);
    }
    expect(unknownToken.status).toBe(503);
    expect(appCodeOf(unknownToken)).toBe('UNAVAILABLE');
    expect(unknownToken.headers['retry-after']).toBeDefined();
    expect(loginDown.status).toBe(503);
    expect(appCodeOf(loginDown)).toBe('UNAVAILABLE');
    expect(metricsDown.status).toBe(200);
    expect(metricsDown.body).toContain('stockroom_db_pool_connections');
    expect(api.alive).toBe(true);

    // ---------------------------------------------------------------- nothing lost, nothing doubled
    const report = await checkCorrectness({ db, apiUrl: api.url, adminToken: admin, reservations: intents });
    expect(report.problems).toEqual([]);
    const acked = intents.filter((i) => i.acknowledged).length;
    console.log(
      `[chaos 2: PostgreSQL restart] ${samples.length} requests (${intents.length} keyed writes, ${writeRetries} retried with ` +
        `their key); PostgreSQL stopped in ${down - stopping} ms, down ${starting - down} ms, started in ${up - starting} ms; ` +
        `while down ${failures.length}/${during.length} answers were 503 (UNAVAILABLE + Retry-After on /trpc and REST, ` +
        `/ready 503), 0 other errors, API process alive, no restart; after start: /ready 200 in ${readyAt - up} ms, ` +
        `first write in ${writeOkAt - up} ms, LISTEN back in ${listenAt - up} ms, live event in ${eventMs} ms to a ` +
        `subscriber connected through the outage, a hold due during the outage expired by the sweeper ` +
        `${Math.round(expiredAt - up)} ms after the start, /metrics served throughout; check: ${acked} acknowledged holds, lost ${report.lost}, ` +
        `duplicated ${report.duplicated}, ${report.problems.length} problems`,
    );
  });
});
