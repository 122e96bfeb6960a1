/**
 * The production path end to end, in real child processes
 * (`node --import tsx src/main.ts`, NODE_ENV=production) over a fresh, empty
 * database: two processes start together with STOCKROOM_ADMIN_* and create
 * exactly one admin, who signs in, sets up warehouses, a product and stock, and
 * creates a service token limited to `reservations` + `stock:read` at warehouse
 * A. The token reserves at A, and is refused (FORBIDDEN, stock and ledger
 * unchanged) at B and for a scope it lacks. Revoked through process 1, it is
 * refused by process 2 within 5 s. Demo seed rows written straight into the
 * database are refused, and a process started afterwards says so in its log.
 * /metrics is only on the internal metrics port. The operator CLI creates a
 * user and a token and revokes it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, seedDemo } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../src/index.js';

const API_DIR = path.resolve(import.meta.dirname, '..');
const ADMIN = { email: 'ops@example.org', password: 'correct horse battery staple' };
/** API.md / the issue: a revoked token is refused everywhere within 5 s. */
const REVOCATION_BOUND_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Child {
  url: string;
  metricsPort: number;
  process: ChildProcess;
  output(): string;
  /** The log so far once it matches: a line is written before /ready answers, but the pipe may deliver it later. */
  outputMatching(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/** A clean environment: nothing of the test runner's (NODE_ENV=test) leaks in. */
function baseEnv(databaseUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    DATABASE_URL: databaseUrl,
  };
}

async function startProduction(databaseUrl: string): Promise<Child> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: API_DIR,
    env: {
      ...baseEnv(databaseUrl),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: 'production-test-secret-0123456789abcdef',
      STOCKROOM_ADMIN_EMAIL: ADMIN.email,
      STOCKROOM_ADMIN_PASSWORD: ADMIN.password,
      METRICS_PORT: String(metricsPort),
      CONSOLE_DIST: '/nonexistent',
      LOG_LEVEL: 'info',
      DB_POOL_MAX: '5',
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited early:\n${output}`);
    const ready = await fetch(`${url}/ready`).catch(() => undefined);
    if (ready?.ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API never got ready:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url,
    metricsPort,
    process: child,
    output: () => output,
    async outputMatching(pattern) {
      const until = Date.now() + 10_000;
      while (!pattern.test(output) && Date.now() < until) await sleep(25);
      return output;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `pnpm stockroom …` as the operator runs it (the script runs src/cli.ts with tsx). */
function cli(databaseUrl: string, args: string[], stdin?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: API_DIR,
      env: baseEnv(databaseUrl),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.stdin.end(stdin ?? '');
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function client(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${url}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) }),
    ],
  });
}

async function appCode(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
    return { code: 'ok', message: '' };
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    return { code: (error.data as { appCode?: string })?.appCode ?? 'none', message: error.message };
  }
}

let database: TestDatabase;
let p1: Child;
let p2: Child;
let p3: Child | undefined;
let adminToken: string;
let wh: { a: string; b: string };
const SKU = 'PRD-WIDGET-001';

beforeAll(async () => {
  database = await createTestDatabase();
  // Two processes start together against the empty database.
  [p1, p2] = await Promise.all([startProduction(database.url), startProduction(database.url)]);
});

afterAll(async () => {
  await Promise.all([p1?.stop(), p2?.stop(), p3?.stop()]);
  await database?.destroy();
});

describe('production install (NODE_ENV=production, child processes)', () => {
  it('creates exactly one first admin from STOCKROOM_ADMIN_*, who can sign in', async () => {
    const [log1, log2] = await Promise.all([
      p1.outputMatching(/created first admin|STOCKROOM_ADMIN_\* ignored/),
      p2.outputMatching(/created first admin|STOCKROOM_ADMIN_\* ignored/),
    ]);
    const logs = log1 + log2;
    expect(logs.match(/created first admin ops@example\.org/g)).toHaveLength(1);
    expect(logs).toContain('admin exists, STOCKROOM_ADMIN_* ignored');
    const admins = await database.db
      .selectFrom('users')
      .select('email')
      .where('role', '=', 'admin')
      .execute();
    expect(admins).toEqual([{ email: ADMIN.email }]);
    // No demo data in production.
    const counts = await sql<{ n: number }>`select count(*)::int as n from warehouses`.execute(database.db);
    expect(counts.rows[0]?.n).toBe(0);

    const session = await client(p2.url).auth.login.mutate(ADMIN);
    adminToken = session.token;
    expect(session.user.role).toBe('admin');
  });

  it('serves /metrics only on the internal metrics port', async () => {
    expect((await fetch(`${p1.url}/metrics`)).status).toBe(404);
    const internal = await fetch(`http://127.0.0.1:${p1.metricsPort}/metrics`);
    expect(internal.status).toBe(200);
    expect(await internal.text()).toContain('stockroom_procedure_calls_total');
  });

  it('a token scoped to reservations + stock:read at A reserves at A, and is refused at B and without a scope', async () => {
    const admin = client(p1.url, adminToken);
    const a = await admin.warehouses.create.mutate({
      code: 'NYC-1',
      name: 'A',
      latitude: 40.7,
      longitude: -74,
    });
    const b = await admin.warehouses.create.mutate({
      code: 'DFW-1',
      name: 'B',
      latitude: 32.9,
      longitude: -97,
    });
    wh = { a: a.id, b: b.id };
    await admin.products.create.mutate({
      sku: SKU,
      name: 'Widget',
      category: 'Test',
      priceMinor: 500,
      currency: 'USD',
    });
    await admin.inventory.receive.mutate({ warehouseId: wh.a, sku: SKU, quantity: 10 });
    await admin.inventory.receive.mutate({ warehouseId: wh.b, sku: SKU, quantity: 10 });

    const created = await admin.serviceTokens.create.mutate({
      name: 'checkout-service',
      scopes: ['reservations', 'stock:read'],
      warehouseIds: [wh.a],
    });
    const token = created.token as string;
    expect(token).toMatch(/^sr_live_[A-Za-z0-9_-]{43}$/);
    const listed = await admin.serviceTokens.list.query();
    expect(JSON.stringify(listed)).not.toContain(token);

    const svc = client(p1.url, token);
    const held = await svc.reservations.create.mutate({
      lines: [{ sku: SKU, quantity: 2, warehouseId: wh.a }],
    });
    expect(held.lines).toEqual([{ sku: SKU, warehouseId: wh.a, quantity: 2 }]);
    expect(await svc.inventory.get.query({ warehouseId: wh.a, sku: SKU })).toMatchObject({
      onHand: 10,
      reserved: 2,
    });

    const ledger = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from stock_movements`.execute(database.db)).rows[0]
        ?.n;
    const levelB = () => admin.inventory.get.query({ warehouseId: wh.b, sku: SKU });
    const before = { b: await levelB(), movements: await ledger() };

    const atB = await appCode(
      svc.reservations.create.mutate({ lines: [{ sku: SKU, quantity: 1, warehouseId: wh.b }] }),
    );
    expect(atB.code).toBe('FORBIDDEN');
    // Open lines are allocated among its warehouses only: 9 is more than A has left, so a shortage, not B's stock.
    const spill = await appCode(
      svc.reservations.create.mutate({
        lines: [{ sku: SKU, quantity: 9 }],
        shipTo: { latitude: 32.9, longitude: -97 },
      }),
    );
    expect(spill.code).toBe('INSUFFICIENT_STOCK');
    const noScope = await appCode(svc.inventory.receive.mutate({ warehouseId: wh.a, sku: SKU, quantity: 5 }));
    expect(noScope).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('stock:write') });
    const noOrders = await appCode(
      svc.checkout.start.mutate({
        shipTo: { latitude: 40.7, longitude: -74 },
        lines: [{ sku: SKU, quantity: 1 }],
      }),
    );
    expect(noOrders).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('orders') });

    expect(await levelB()).toEqual(before.b);
    expect(await ledger()).toBe(before.movements);
    expect(await admin.inventory.get.query({ warehouseId: wh.a, sku: SKU })).toMatchObject({
      onHand: 10,
      reserved: 2,
    });
    expect((await admin.audit.verify.query()).mismatches).toEqual([]);

    // Revoked on process 1: process 2, which has just accepted it, refuses it within 5 s.
    const onP2 = client(p2.url, token);
    expect((await onP2.inventory.get.query({ warehouseId: wh.a, sku: SKU })).onHand).toBe(10);
    await admin.serviceTokens.revoke.mutate({ id: created.id });
    const deadline = Date.now() + REVOCATION_BOUND_MS;
    let last = 'ok';
    while (Date.now() < deadline) {
      last = (await appCode(onP2.inventory.get.query({ warehouseId: wh.a, sku: SKU }))).code;
      if (last !== 'ok') break;
      await sleep(100);
    }
    expect(last).toBe('UNAUTHENTICATED');
    expect((await appCode(svc.reservations.get.query({ id: held.id }))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses demo credentials written into its database, and says so at start', async () => {
    await seedDemo(database.db);
    for (const url of [p1.url, p2.url]) {
      const demo = await appCode(client(url, 'dev-service-token').warehouses.list.query());
      expect(demo.code).toBe('UNAUTHENTICATED');
      const login = await appCode(
        client(url).auth.login.mutate({ email: 'admin@example.com', password: 'stockroom' }),
      );
      expect(login.code).toBe('UNAUTHENTICATED');
    }
    p3 = await startProduction(database.url);
    const log = await p3.outputMatching(/demo credentials found in the database and refused/);
    expect(log).toMatch(/demo credentials found in the database and refused.*dev-service-token/);
    expect(log).toContain('admin@example.com / stockroom');
    expect((await appCode(client(p3.url, 'dev-service-token').warehouses.list.query())).code).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('operator CLI (pnpm stockroom)', () => {
  it('creates a user from a password on stdin, who can sign in', async () => {
    const made = await cli(
      database.url,
      [
        'create-user',
        '--email',
        'staff.nyc@example.org',
        '--name',
        'NYC Staff',
        '--role',
        'staff',
        '--warehouse',
        'NYC-1',
        '--password-stdin',
      ],
      'a staff password, long enough\n',
    );
    expect(made, made.stderr).toMatchObject({ code: 0 });
    const session = await client(p1.url).auth.login.mutate({
      email: 'staff.nyc@example.org',
      password: 'a staff password, long enough',
    });
    expect(session.user).toMatchObject({ role: 'staff', warehouseIds: [wh.a] });
  });

  it('creates a token (printed once), lists it without the secret, and revokes it by name', async () => {
    const made = await cli(database.url, [
      'create-token',
      '--name',
      'store-nyc',
      '--scope',
      'stock:read,stock:write',
      '--warehouse',
      'NYC-1',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^sr_live_/);
    const svc = client(p1.url, token);
    expect(await svc.inventory.receive.mutate({ warehouseId: wh.a, sku: SKU, quantity: 1 })).toMatchObject({
      onHand: 11,
    });
    expect(
      (await appCode(svc.inventory.receive.mutate({ warehouseId: wh.b, sku: SKU, quantity: 1 }))).code,
    ).toBe('FORBIDDEN');

    const list = await cli(database.url, ['list-tokens']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('store-nyc');
    expect(list.stdout).toContain(token.slice(0, 12));
    expect(list.stdout).not.toContain(token);

    expect((await cli(database.url, ['revoke-token', '--name', 'store-nyc'])).code).toBe(0);
    const deadline = Date.now() + REVOCATION_BOUND_MS;
    let last = 'ok';
    while (Date.now() < deadline && last === 'ok') {
      last = (await appCode(svc.inventory.get.query({ warehouseId: wh.a, sku: SKU }))).code;
      if (last === 'ok') await sleep(100);
    }
    expect(last).toBe('UNAUTHENTICATED');
  });

  it('exits non-zero with a clear message on bad usage and refused input', async () => {
    // Each start is a Node.js process with tsx: run them side by side.
    const [unknown, badScope, badWarehouse, missing] = await Promise.all([
      cli(database.url, ['make-coffee']),
      cli(database.url, ['create-token', '--name', 'x', '--scope', 'everything']),
      cli(database.url, ['create-token', '--name', 'x', '--scope', 'orders', '--warehouse', 'XXX-9']),
      cli(database.url, ['disable-user', '--email', 'nobody@example.org']),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command: make-coffee');
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toMatch(/VALIDATION_FAILED: scopes/);
    expect(badWarehouse.code).toBe(2);
    expect(badWarehouse.stderr).toContain('unknown warehouse code: XXX-9');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NOT_FOUND');
  });
});
