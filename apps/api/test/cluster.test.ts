/**
 * WEB_CONCURRENCY=2: one `src/main.ts` process that forks two workers on one
 * port (cluster.ts). Both seed and migrate at once (advisory locks), every
 * reservation lands exactly once whichever worker takes it, /metrics counts
 * the calls of every worker, a worker that dies is replaced, and SIGTERM stops
 * them all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { freePort } from '@stockroom/db';
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN } from './harness.js';

const apiDir = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pids of the live children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') found.push(Number(name));
    } catch {}
  }
  return found;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** One call on a connection of its own (no keep-alive), so the cluster spreads them over its workers. */
function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

let database: TestDatabase;
let primary: ChildProcess;
let url: string;
let output = '';

beforeAll(async () => {
  database = await createTestDatabase({ max: 2 });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  primary = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      WEB_CONCURRENCY: '2',
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      SEED_DEMO: 'true',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      LOG_LEVEL: 'warn',
      CONSOLE_DIST: '/nonexistent',
      DB_POOL_MAX: '4',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  primary.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  primary.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await waitFor(
    async () => {
      if (primary.exitCode !== null) throw new Error(`the cluster exited early:\n${output}`);
      return (await fetch(`${url}/ready`).catch(() => undefined))?.ok === true;
    },
    'the cluster to be ready',
    120_000,
  );
}, 150_000);

afterAll(async () => {
  if (primary?.exitCode === null) primary.kill('SIGKILL');
  await database?.destroy();
});

describe('WEB_CONCURRENCY=2', () => {
  it('serves from two worker processes; every reservation lands once and /metrics counts them all', async () => {
    expect(childrenOf(primary.pid as number)).toHaveLength(2);
    await waitFor(() => output.includes('2 worker processes'), 'the start-up banner');
    // The level with the most units free, so twenty single units always fit.
    const roomiest = (
      await sql<{ sku: string; productId: string; warehouseId: string }>`
        select p.sku, l.product_id, l.warehouse_id from stock_levels l join products p on p.id = l.product_id
        order by l.on_hand - l.reserved desc limit 1`.execute(database.db)
    ).rows[0];
    if (!roomiest) throw new Error('the demo seed has stock');
    const level = async () =>
      (
        await sql<{ reserved: number }>`
          select reserved from stock_levels
          where product_id = ${roomiest.productId} and warehouse_id = ${roomiest.warehouseId}`.execute(
          database.db,
        )
      ).rows[0]?.reserved ?? -1;
    const before = await level();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(`${url}/trpc/reservations.create`, {
          lines: [{ sku: roomiest.sku, quantity: 1, warehouseId: roomiest.warehouseId }],
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    expect(await level()).toBe(before + 20);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const ok = /stockroom_reservation_outcomes_total\{outcome="OK"\} (\d+)/.exec(metrics);
    expect(Number(ok?.[1])).toBe(20);
  });

  it('replaces a worker that dies, and stops every worker at SIGTERM', async () => {
    const [victim] = childrenOf(primary.pid as number);
    process.kill(victim as number, 'SIGKILL');
    await waitFor(() => {
      const now = childrenOf(primary.pid as number);
      return now.length === 2 && !now.includes(victim as number);
    }, 'a new worker');
    await waitFor(async () => (await fetch(`${url}/ready`).catch(() => undefined))?.ok === true, 'ready');
    const workers = childrenOf(primary.pid as number);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workers.filter(existsProcess)).toEqual([]);
  }, 150_000);
});

function existsProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
