/**
 * Prometheus metrics (prom-client): calls per procedure and outcome with
 * latency, reservation outcomes, sweeper releases, pool usage, sessions
 * waiting on locks, and holds pending. Served at /metrics:
 *
 * - METRICS_PORT set: only on that port, bound to METRICS_HOST (default
 *   127.0.0.1; 0.0.0.0 inside a container network that Prometheus shares),
 *   never on the API port — nothing reaches it through the proxy.
 * - else METRICS_TOKEN set: on the API port, to `Authorization: Bearer <METRICS_TOKEN>`.
 * - else on the API port to anyone in development and test; not at all in
 *   production (the server warns at start).
 */
import cluster from 'node:cluster';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Db } from '@stockroom/db';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type pg from 'pg';
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { restErrorBody } from './errors.js';

export interface Metrics {
  registry: Registry;
  /** The text /metrics answers: this process's registry, or in a cluster worker every worker's (cluster.ts). */
  scrape(): Promise<string>;
  observeCall(path: string, type: string, appCode: string, seconds: number): void;
  sweeperExpired(count: number): void;
  reservationBatch(size: number, seconds: number): void;
}

/** The messages a cluster worker asks the primary for every worker's metrics with (cluster.ts answers). */
export const METRICS_REQUEST = 'stockroom:metrics';
export const METRICS_REPLY = 'stockroom:metrics-reply';

let nextRequest = 0;
// Kept for its side effect only (the listener for the primary's requests).
let _workerAggregator: AggregatorRegistry<typeof Registry.PROMETHEUS_CONTENT_TYPE> | undefined;

/** In a cluster worker: the metrics of every worker, gathered by the primary. */
function clusterScrape(): Promise<string> {
  const id = ++nextRequest;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the cluster primary did not answer with the metrics'));
    }, 10_000);
    const onMessage = (message: { type?: string; id?: number; text?: string; error?: string }) => {
      if (message?.type !== METRICS_REPLY || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.text ?? '');
    };
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQUEST, id });
  });
}

/** A gauge's database read waits at most this long; past it the gauge keeps its last value. */
const GAUGE_QUERY_MS = 1_000;

/**
 * The query's answer, or undefined when it fails or is slower than GAUGE_QUERY_MS: a slow
 * or unreachable database must not make the whole scrape fail (a cluster's primary gives
 * every worker 5 s to answer) — that is when the other figures matter most.
 */
function promptly<T>(query: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, GAUGE_QUERY_MS, undefined);
  });
  return Promise.race([query.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/** Gauges read at scrape time: pool connections, sessions waiting on locks, holds pending and overdue. */
function registerDatabaseGauges(registry: Registry, db: Db, pool: pg.Pool): void {
  new Gauge({
    name: 'stockroom_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting_clients' }, pool.waitingCount);
    },
  });
  new Gauge({
    name: 'stockroom_db_lock_waits',
    help: 'Database sessions currently waiting for a lock',
    registers: [registry],
    // The same database-wide figure from every worker: not summed across a cluster.
    aggregator: 'first',
    async collect() {
      const row = await promptly(
        sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(db),
      );
      if (row) this.set(row.rows[0]?.n ?? 0);
    },
  });
  new Gauge({
    name: 'stockroom_holds_pending',
    help: 'Pending reservations, and how many of them are past their expiry (sweeper lag)',
    labelNames: ['state'] as const,
    registers: [registry],
    aggregator: 'first',
    async collect() {
      const row = await promptly(
        sql<{ pending: number; overdue: number; lagSeconds: number }>`
        select count(*)::int as pending,
               count(*) filter (where expires_at <= now())::int as overdue,
               coalesce(extract(epoch from now() - min(expires_at) filter (where expires_at <= now())), 0)::float8 as lag_seconds
        from reservations where status = 'pending'`.execute(db),
      );
      const r = row?.rows[0];
      if (r) {
        this.set({ state: 'pending' }, r.pending);
        this.set({ state: 'overdue' }, r.overdue);
        this.set({ state: 'oldest_overdue_seconds' }, r.lagSeconds);
      }
    },
  });
}

export function createMetrics(db: Db, pool: pg.Pool): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stockroom_process_' });

  const calls = new Counter({
    name: 'stockroom_procedure_calls_total',
    help: 'Procedure calls by procedure, type and outcome (appCode, OK on success)',
    labelNames: ['procedure', 'type', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'stockroom_procedure_duration_seconds',
    help: 'Procedure latency in seconds',
    labelNames: ['procedure', 'type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const reservations = new Counter({
    name: 'stockroom_reservation_outcomes_total',
    help: 'reservations.create outcomes (OK, INSUFFICIENT_STOCK, …)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const swept = new Counter({
    name: 'stockroom_sweeper_released_total',
    help: 'Expired holds released by the sweeper',
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'stockroom_reservation_batch_size',
    help: 'Reservations applied per coalesced transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'stockroom_reservation_batch_duration_seconds',
    help: 'Time to apply one coalesced reservation batch',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  registerDatabaseGauges(registry, db, pool);
  // The primary gathers this registry from every worker (see cluster.ts). Constructing an
  // AggregatorRegistry is what makes prom-client answer the primary's requests here.
  if (cluster.isWorker) {
    _workerAggregator ??= new AggregatorRegistry();
    AggregatorRegistry.setRegistries([registry]);
  }

  return {
    registry,
    scrape: () => (cluster.isWorker ? clusterScrape() : registry.metrics()),
    observeCall(path, type, appCode, seconds) {
      calls.inc({ procedure: path, type, outcome: appCode });
      latency.observe({ procedure: path, type }, seconds);
      if (path === 'reservations.create') reservations.inc({ outcome: appCode });
    },
    sweeperExpired(count) {
      swept.inc(count);
    },
    reservationBatch(size, seconds) {
      batchSize.observe(size);
      batchSeconds.observe(seconds);
    },
  };
}

export interface MetricsExposure {
  port?: number | undefined;
  host: string;
  token?: string | undefined;
  production: boolean;
}

export function metricsExposure(env: {
  METRICS_PORT?: number | undefined;
  METRICS_HOST: string;
  METRICS_TOKEN?: string | undefined;
  NODE_ENV: string;
}): MetricsExposure {
  return {
    port: env.METRICS_PORT,
    host: env.METRICS_HOST,
    token: env.METRICS_TOKEN,
    production: env.NODE_ENV === 'production',
  };
}

/** Where /metrics is served, in words (for the start-up log). */
export function describeMetrics(options: MetricsExposure): string {
  if (options.port !== undefined) return `on ${options.host}:${options.port} only`;
  if (options.token) return 'on the API port with the METRICS_TOKEN bearer';
  return options.production ? 'off (set METRICS_PORT or METRICS_TOKEN)' : 'on the API port (development)';
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** /metrics on the API port, when it is served there at all (see above). */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, options: MetricsExposure): void {
  if (options.port !== undefined || (options.production && !options.token)) return;
  const token = options.token;
  app.get('/metrics', async (request, reply) => {
    if (token && !tokenMatches(request.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(restErrorBody('UNAUTHENTICATED', 'Bearer METRICS_TOKEN required'));
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.scrape();
  });
}

/** The internal metrics listener (METRICS_PORT): GET /metrics, nothing else. */
export async function startMetricsServer(metrics: Metrics, options: MetricsExposure): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    if (options.token && !tokenMatches(request.headers.authorization, options.token)) {
      response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    metrics.scrape().then(
      (body) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
