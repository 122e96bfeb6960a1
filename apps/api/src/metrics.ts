/**
 * Prometheus metrics (prom-client): calls per procedure and outcome with
 * latency, reservation outcomes, sweeper releases, pool usage, sessions
 * waiting on locks, and holds pending. Served at /metrics.
 */
import type { Db } from '@stockroom/db';
import { sql } from 'kysely';
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  observeCall(path: string, type: string, appCode: string, seconds: number): void;
  sweeperExpired(count: number): void;
  reservationBatch(size: number, seconds: number): void;
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
    async collect() {
      const row = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`
        .execute(db)
        .catch(() => undefined);
      if (row) this.set(row.rows[0]?.n ?? 0);
    },
  });
  new Gauge({
    name: 'stockroom_holds_pending',
    help: 'Pending reservations, and how many of them are past their expiry (sweeper lag)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const row = await sql<{ pending: number; overdue: number; lagSeconds: number }>`
        select count(*)::int as pending,
               count(*) filter (where expires_at <= now())::int as overdue,
               coalesce(extract(epoch from now() - min(expires_at) filter (where expires_at <= now())), 0)::float8 as lag_seconds
        from reservations where status = 'pending'`
        .execute(db)
        .catch(() => undefined);
      const r = row?.rows[0];
      if (r) {
        this.set({ state: 'pending' }, r.pending);
        this.set({ state: 'overdue' }, r.overdue);
        this.set({ state: 'oldest_overdue_seconds' }, r.lagSeconds);
      }
    },
  });

  return {
    registry,
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
