/**
 * Assemble a running Stockroom API process: database (DATABASE_URL or the
 * embedded dev server), migrations, optional demo seed, services, the HTTP
 * server, and the expiry sweeper — and take it all down gracefully.
 */

import type { Server } from 'node:http';
import {
  configureBuyerLimits,
  deriveWebhookKey,
  ReservationCoalescer,
  type Sweeper,
  startSweeper,
} from '@stockroom/core';
import { configurePasswordHashing, type Db, seedDemo } from '@stockroom/db';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pLimit from 'p-limit';
import type pg from 'pg';
import { createLiveStreams } from './auth/live-streams.js';
import { createSessionTokens, PRINCIPAL_CACHE_MS } from './auth/session.js';
import { bootstrap } from './bootstrap.js';
import { openDatabase } from './database.js';
import { type Env, searchesPerProcess } from './env.js';
import { createEventBus } from './events/bus.js';
import { createLimits } from './limits.js';
import { createMetrics, metricsExposure, startMetricsServer } from './metrics.js';
import { createReads } from './reads.js';
import { buildServer } from './server.js';
import type { Services } from './services.js';
import { type Dispatcher, startDispatcher } from './webhooks/dispatcher.js';
import { createSender, type Sender } from './webhooks/sender.js';

export interface RunningApi {
  app: FastifyInstance;
  services: Services;
  url: string;
  close(): Promise<void>;
}

/**
 * Everything requests share, but the event bus (it needs the server's logger;
 * set once the server is built). `log` is the server's logger once there is one.
 */
function createServices(
  env: Env,
  { db, pool, replica }: { db: Db; pool: pg.Pool; replica: Db | undefined },
  log: () => FastifyBaseLogger | undefined,
): Services {
  const metrics = createMetrics(db, pool);
  const sessions = createSessionTokens(db, env.JWT_SECRET, env.JWT_TTL_SECONDS);
  const buyerLimits = buyerLimitsFromEnv(env);
  return {
    env,
    db,
    pool,
    reads: createReads(db, replica, env.DATABASE_REPLICA_MAX_LAG_MS, log),
    metrics,
    bus: undefined as never,
    limits: createLimits(env, pool),
    sessions,
    streams: createLiveStreams({
      perPrincipal: env.SSE_STREAMS_PER_PRINCIPAL,
      resolve: (token) => sessions.resolve(token),
      intervalMs: PRINCIPAL_CACHE_MS,
      onError: (error) => log()?.warn({ err: error }, 'checking live streams failed; will retry'),
    }),
    reserveOptions: { defaultTtlSeconds: env.RESERVATION_TTL_SECONDS, buyerLimits },
    reservations: new ReservationCoalescer(db, {
      defaultTtlSeconds: env.RESERVATION_TTL_SECONDS,
      buyerLimits,
      maxQueue: env.RESERVATION_QUEUE_MAX,
      onBatch: (size, seconds) => metrics.reservationBatch(size, seconds),
      onFallback: (error, size) =>
        log()?.warn({ err: error, size }, 'reservation batch failed; retrying one by one'),
    }),
    searches: pLimit(searchesPerProcess(env)),
    orderOptions: {
      defaultTtlSeconds: env.RESERVATION_TTL_SECONDS,
      taxRateBps: env.TAX_RATE_BPS,
      buyerLimits,
    },
    webhooks: {
      secretKey: deriveWebhookKey(env.WEBHOOK_SECRET_KEY ?? env.JWT_SECRET),
      urlPolicy: { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE ?? env.NODE_ENV !== 'production' },
    },
  };
}

const buyerLimitsFromEnv = (env: Env) => ({
  maxHoldSeconds: env.BUYER_MAX_HOLD_SECONDS,
  maxActiveHolds: env.BUYER_MAX_ACTIVE_HOLDS,
  maxHeldUnits: env.BUYER_MAX_HELD_UNITS,
  maxWaitlistEntries: env.BUYER_MAX_WAITLIST_ENTRIES,
});

/** Webhook deliveries: the signing sender and the dispatcher that feeds it from the outbox. */
function startWebhooks(env: Env, db: Db, services: Services, log: FastifyBaseLogger) {
  const sender = createSender({ ...services.webhooks, timeoutMs: env.WEBHOOK_TIMEOUT_MS });
  const dispatcher = startDispatcher({
    db,
    sender,
    schedule: {
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      // A claimed delivery stays reserved well past its send timeout.
      leaseMs: env.WEBHOOK_TIMEOUT_MS * 3,
      disableAfterMs: env.WEBHOOK_DISABLE_AFTER_MS,
    },
    concurrency: env.WEBHOOK_CONCURRENCY,
    pollMs: env.WEBHOOK_POLL_MS,
    nextChange: (timeoutMs) => services.bus.nextChange(timeoutMs),
    log,
    registry: services.metrics.registry,
  });
  return { sender, dispatcher };
}

/** Releases holds whose time is up, every SWEEP_INTERVAL_MS. */
function startExpirySweeper(env: Env, db: Db, services: Services, log: FastifyBaseLogger): Sweeper {
  return startSweeper(db, {
    intervalMs: env.SWEEP_INTERVAL_MS,
    onExpired: (ids) => {
      services.metrics.sweeperExpired(ids.length);
      log.info({ count: ids.length }, 'expired holds released');
    },
    onError: (error) => log.warn({ err: error }, 'sweep failed; will retry'),
  });
}

export async function startApi(
  env: Env,
  options: { sweeper?: boolean; webhookDispatcher?: boolean } = {},
): Promise<RunningApi> {
  const { db, pool, replica, directUrl, embedded, migrate } = await openDatabase(env);
  let app: FastifyInstance | undefined;
  let sweeper: Sweeper | undefined;
  let webhooks: { sender: Sender; dispatcher: Dispatcher } | undefined;
  let services: Services | undefined;
  let metricsServer: Server | undefined;
  try {
    configurePasswordHashing({ concurrency: env.PASSWORD_HASH_CONCURRENCY, queue: env.PASSWORD_HASH_QUEUE });
    configureBuyerLimits(buyerLimitsFromEnv(env));
    // Kysely's migrator holds an advisory lock: several processes starting together migrate once.
    await migrate();
    const seed = env.SEED_DEMO ?? env.NODE_ENV === 'development';
    if (seed) await seedDemo(db, { environment: env.NODE_ENV });

    services = createServices(env, { db, pool, replica }, () => app?.log);
    const { metrics, sessions, streams } = services;
    app = await buildServer(services);
    await bootstrap(db, env, app.log);
    const { reads } = services;
    services.bus = createEventBus(db, directUrl, app.log, {
      principalsChanged: (subject) => {
        // Someone's access changed (or announcements may have been missed): forget what
        // is cached of them, and close live streams that no longer hold.
        sessions.invalidate(subject);
        void streams.recheck();
      },
      wrote: (label) => reads.wroteElsewhere(label),
    });

    if (options.sweeper ?? true) sweeper = startExpirySweeper(env, db, services, app.log);

    if (options.webhookDispatcher ?? true) webhooks = startWebhooks(env, db, services, app.log);

    await app.listen({ host: env.HOST, port: env.PORT });
    if (env.METRICS_PORT !== undefined)
      metricsServer = await startMetricsServer(metrics, metricsExposure(env));
  } catch (error) {
    metricsServer?.close();
    // A start that fails half-way (a migration error, the port in use…) must not
    // leave the pool, the LISTEN connection, the sweeper or PostgreSQL behind.
    await app?.close().catch(() => {});
    await services?.reservations.close().catch(() => {});
    await sweeper?.stop().catch(() => {});
    await webhooks?.dispatcher.stop().catch(() => {});
    await webhooks?.sender.close().catch(() => {});
    services?.streams.close();
    await services?.bus?.close().catch(() => {});
    await (services ? services.reads.close() : replica?.destroy())?.catch(() => {});
    await db.destroy().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Stop taking requests and finish those in flight, then background work, then the pool.
      services.streams.close();
      metricsServer?.close();
      await app.close();
      await services.reservations.close();
      await sweeper?.stop();
      // Sends in flight finish (bounded by WEBHOOK_TIMEOUT_MS) and are recorded.
      await webhooks?.dispatcher.stop();
      await webhooks?.sender.close();
      await services.bus.close();
      await services.reads.close();
      await db.destroy();
      await embedded?.stop();
    })();
    return closing;
  };
  return { app, services, url: `http://127.0.0.1:${port}`, close };
}
