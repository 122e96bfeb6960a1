import type { OrderOptions, ReservationCoalescer, ReserveOptions, WebhookOptions } from '@stockroom/core';
import type { Db } from '@stockroom/db';
import type { LimitFunction } from 'p-limit';
import type pg from 'pg';
import type { LiveStreams } from './auth/live-streams.js';
import type { SessionTokens } from './auth/session.js';
import type { Env } from './env.js';
import type { EventBus } from './events/bus.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import type { Reads } from './reads.js';

/** Everything a request needs that lives as long as the process. */
export interface Services {
  env: Env;
  db: Db;
  pool: pg.Pool;
  /** Where lag-tolerant reads go (the replica when there is one and it is fresh enough for the caller). */
  reads: Reads;
  bus: EventBus;
  metrics: Metrics;
  limits: Limits;
  sessions: SessionTokens;
  /** Open SSE streams, per principal. */
  streams: LiveStreams;
  reserveOptions: ReserveOptions;
  /** reservations.create goes through here: concurrent holds of one level share a transaction. */
  reservations: ReservationCoalescer;
  /** products.search runs through here: this worker's share of SEARCH_CONCURRENCY at once in PostgreSQL. */
  searches: LimitFunction;
  orderOptions: OrderOptions;
  /** How webhook secrets are kept and which endpoint URLs are allowed. */
  webhooks: WebhookOptions;
}
