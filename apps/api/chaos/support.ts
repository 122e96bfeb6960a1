/**
 * Shared pieces of the fault-injection suite: raw HTTP calls (one TCP
 * connection per request, so a killed process or a cut proxy fails exactly
 * the requests it should), real API child processes, a PostgreSQL server the
 * suite owns (so it can be stopped and started), and small waiting helpers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockroomEvent } from '@stockroom/core';
import { type EmbeddedServer, freePort, startEmbeddedPostgres } from '@stockroom/db';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../src/index.js';

const API_DIR = path.resolve(import.meta.dirname, '..');
/** The harness's secret: sessions signed by in-process and child APIs are good at both. */
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
export const SERVICE_TOKEN = 'dev-service-token';

/** A JSON answer, read loosely: the scenarios check the fields they need. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON bodies of every shape
export type Json = any;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  what: string,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await sleep(everyMs);
  }
}

// ------------------------------------------------------------------ HTTP

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Json;
  ms: number;
}

/** A network-level failure: no HTTP answer at all (refused, reset, cut, timed out). */
export class NoAnswer extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * One HTTP request on a fresh connection (no keep-alive pool), with a hard
 * timeout. Resolves with any HTTP answer; rejects with NoAnswer when none came.
 */
export function send(
  base: string,
  method: string,
  route: string,
  options: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<Answer> {
  const url = new URL(route, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const started = performance.now();
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new NoAnswer(error.message, (error as { code?: string }).code)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Json = text;
          try {
            body = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            // not JSON (metrics)
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            ms: performance.now() - started,
          });
        });
        res.on('aborted', () => reject(new NoAnswer('response aborted', 'ECONNRESET')));
      },
    );
    req.setTimeout(options.timeoutMs ?? 20_000, () => {
      req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' }));
    });
    req.on('error', (error) => reject(new NoAnswer(error.message, (error as { code?: string }).code)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const auth = (token: string, key?: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  ...(key ? { 'idempotency-key': key } : {}),
});

/** POST /trpc/<path> (a mutation), with the key as the Idempotency-Key header. */
export const trpcMutation = (
  base: string,
  procedure: string,
  input: unknown,
  token: string,
  key?: string,
  extraHeaders: Record<string, string> = {},
) =>
  send(base, 'POST', `/trpc/${procedure}`, {
    body: input,
    headers: { ...auth(token, key), ...extraHeaders },
  });

/** GET /trpc/<path>?input=… (a query). */
export const trpcQuery = (base: string, procedure: string, input: unknown, token?: string) =>
  send(
    base,
    'GET',
    `/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
    { headers: token ? auth(token) : {} },
  );

/** The data of a successful tRPC answer, or an error naming what came back. */
export function trpcData(answer: Answer): Json {
  if (answer.status !== 200) {
    throw new Error(`expected 200, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
  }
  return answer.body.result.data;
}

/** appCode of a tRPC or REST error answer. */
export function appCodeOf(answer: Answer): string | undefined {
  return answer.body?.error?.data?.appCode ?? answer.body?.error?.code;
}

export async function login(base: string, email: string, password = 'stockroom'): Promise<string> {
  return trpcData(await trpcMutation(base, 'auth.login', { email, password }, '')).token;
}

/** Value of a Prometheus sample, e.g. `stockroom_db_pool_connections{state="total"}`. */
export function metricValue(text: string, sample: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  return undefined;
}

// ------------------------------------------------------------------ API child processes

export interface ChildApi {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  get alive(): boolean;
  /** SIGKILL: no shutdown at all. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/**
 * A real API process: `node --import tsx src/main.ts` (cwd apps/api), ready
 * when /ready answers 200.
 */
export async function spawnApi(env: Record<string, string>, port?: number): Promise<ChildApi> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(chosen),
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      CONSOLE_DIST: '/nonexistent',
      SEED_DEMO: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const url = `http://127.0.0.1:${chosen}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (gone())
      throw new Error(`API process exited early (${child.exitCode ?? child.signalCode}):\n${output}`);
    const ready = await send(url, 'GET', '/ready', { timeoutMs: 2000 }).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`API process did not become ready:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url,
    port: chosen,
    child,
    output: () => output,
    get alive() {
      return !gone();
    },
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
  };
}

// ------------------------------------------------------------------ PostgreSQL the suite controls

export interface OwnPostgres {
  url: string;
  port: number;
  /** Stop the server (fast shutdown: sessions are terminated). */
  stop(): Promise<void>;
  /** Start it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stop it for good and delete its data. */
  destroy(): Promise<void>;
}

/** An embedded PostgreSQL of its own, on a fixed port, so it can restart where clients expect it. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const root = await mkdtemp(path.join(tmpdir(), 'stockroom-chaos-pg-'));
  // As root the server runs as the `postgres` user: let it reach its directory.
  await chmod(root, 0o755);
  const dataDir = path.join(root, 'data');
  const port = await freePort();
  let server: EmbeddedServer | undefined = await startEmbeddedPostgres({ dataDir, port, fast: true });
  const url = server.url;
  return {
    url,
    port,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      if (server) return;
      server = await startEmbeddedPostgres({ dataDir, port, fast: true });
    },
    async destroy() {
      await server?.stop().catch(() => {});
      server = undefined;
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Run `tasks` with at most `limit` in flight; resolves when all are done. */
export async function pool<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
}

// ------------------------------------------------------------------ live events

export interface Subscriber {
  received: { id: string; data: StockroomEvent }[];
  errors: unknown[];
  states: string[];
  readonly started: boolean;
  stop(): void;
}

/** events.onEvent over SSE (tRPC's subscription link), as the console subscribes. */
export function subscribe(url: string, token: string, types?: string[]): Subscriber {
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: `${url}/trpc`, EventSource, connectionParams: { token } }),
        false: httpLink({ url: `${url}/trpc`, headers: { authorization: `Bearer ${token}` } }),
      }),
    ],
  });
  const received: Subscriber['received'] = [];
  const errors: unknown[] = [];
  const states: string[] = [];
  let started = false;
  const subscription = client.events.onEvent.subscribe(types ? { types } : undefined, {
    onStarted: () => {
      started = true;
    },
    onData: (event) => received.push(event as Subscriber['received'][number]),
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
    stop: () => subscription.unsubscribe(),
  };
}
