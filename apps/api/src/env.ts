/**
 * The API's configuration: read from the environment once, here, validated with
 * zod. A bad value stops the process at start with a message naming the variable.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** `VAR=` (as docker compose passes an empty `.env` entry) means unset. */
const unsetWhenBlank = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

const ZEnv = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z.string().url().optional(),
    /**
     * A direct connection to the primary, when DATABASE_URL points at a transaction
     * pooler (PgBouncer): LISTEN, migrations and the role's timeouts use it, and the
     * pool over DATABASE_URL sends nothing session-scoped (docs/scaling.md).
     */
    DATABASE_DIRECT_URL: unsetWhenBlank(z.string().url().optional()),
    /** A streaming replica for lag-tolerant reads (search, lists, movements, events, dashboard). */
    DATABASE_REPLICA_URL: unsetWhenBlank(z.string().url().optional()),
    /** The replica serves no read when it is further behind the primary than this. */
    DATABASE_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    /** Port of the embedded PostgreSQL used when DATABASE_URL is unset. */
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    JWT_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .default(12 * 3600),
    /** Traces to this OTLP/HTTP endpoint (read by src/instrumentation.ts); unset or empty = off. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.union([z.literal(''), z.string().url()]).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
    /** A buyer's caps (services, staff and admins have none): hold length, holds, units held, waitlist entries. */
    BUYER_MAX_HOLD_SECONDS: z.coerce.number().int().min(1).max(86400).default(1800),
    BUYER_MAX_ACTIVE_HOLDS: z.coerce.number().int().min(1).default(10),
    BUYER_MAX_HELD_UNITS: z.coerce.number().int().min(1).default(100),
    BUYER_MAX_WAITLIST_ENTRIES: z.coerce.number().int().min(1).default(20),
    /** One tax rate for every order, in basis points (825 = 8.25 %). */
    TAX_RATE_BPS: z.coerce.number().int().min(0).max(10_000).default(825),
    /** Reservations waiting per coalescer shard before new ones get 429 (back-pressure). */
    RESERVATION_QUEUE_MAX: z.coerce.number().int().min(1).default(5000),
    SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** Worker processes serving the API (node:cluster); unset: one per core in production, 1 otherwise. */
    WEB_CONCURRENCY: unsetWhenBlank(z.coerce.number().int().min(1).max(256).optional()),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
    /**
     * Product searches one API instance (its WEB_CONCURRENCY workers) runs in PostgreSQL at
     * once, shared by the workers (searchesPerProcess); more wait their turn in their process.
     */
    SEARCH_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(4),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /** Requests per minute per principal (user, service token, or IP when anonymous). */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
    /** Failed logins allowed per account and per IP in LOGIN_LIMIT_WINDOW_SECONDS. */
    LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
    LOGIN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(50),
    LOGIN_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    /** Live-event streams (SSE) one principal may hold open at once. */
    SSE_STREAMS_PER_PRINCIPAL: z.coerce.number().int().min(1).max(1000).default(10),
    /** Sign-ups allowed per IP in REGISTER_LIMIT_WINDOW_SECONDS. */
    REGISTER_LIMIT_PER_IP: z.coerce.number().int().min(1).default(20),
    REGISTER_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
    /** Password hashes (argon2, ~100 ms of CPU each) run at once, and how many may wait; more get 429. */
    PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    CONSOLE_DIST: z.string().default(path.join(repoRoot, 'apps/console/dist')),
    /** Seed demo data at start (never in production). Defaults to on in development. */
    SEED_DEMO: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
    CORS_ORIGINS: z.string().optional(),
    /** Webhook endpoints may be http and private/loopback addresses (default: everywhere but production). */
    WEBHOOK_ALLOW_PRIVATE: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
    /** Key the webhook signing secrets are encrypted under; derived from JWT_SECRET when unset. */
    WEBHOOK_SECRET_KEY: z.string().min(32, 'WEBHOOK_SECRET_KEY must be at least 32 characters').optional(),
    /** First retry delay; each next one is 4× longer (capped at 720×). 30 s gives ~27 h of retries. */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(30_000),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
    /** An endpoint failing this long without a success is disabled when a delivery dies. */
    WEBHOOK_DISABLE_AFTER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(24 * 3600 * 1000),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** How often the dispatcher looks for due retries (new events wake it at once). */
    WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
    /** Deliveries one process sends at once. */
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    TRUST_PROXY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Both or neither: create this admin at start when no admin exists (never overwrites). */
    STOCKROOM_ADMIN_EMAIL: unsetWhenBlank(z.string().trim().toLowerCase().pipe(z.email()).optional()),
    STOCKROOM_ADMIN_PASSWORD: unsetWhenBlank(
      z.string().min(12, 'STOCKROOM_ADMIN_PASSWORD must be at least 12 characters').max(200).optional(),
    ),
    /** Serve /metrics on this port (at METRICS_HOST) instead of the API port. */
    METRICS_PORT: unsetWhenBlank(z.coerce.number().int().min(1).max(65535).optional()),
    METRICS_HOST: z.string().default('127.0.0.1'),
    /** Serve /metrics on the API port to `Authorization: Bearer <METRICS_TOKEN>` only. */
    METRICS_TOKEN: unsetWhenBlank(
      z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'JWT_SECRET is required when NODE_ENV=production',
      });
    }
    if ((env.STOCKROOM_ADMIN_EMAIL === undefined) !== (env.STOCKROOM_ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.STOCKROOM_ADMIN_EMAIL ? 'STOCKROOM_ADMIN_PASSWORD' : 'STOCKROOM_ADMIN_EMAIL'],
        message: 'set STOCKROOM_ADMIN_EMAIL and STOCKROOM_ADMIN_PASSWORD together, or neither',
      });
    }
    if (env.DATABASE_DIRECT_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_DIRECT_URL'],
        message: 'DATABASE_DIRECT_URL goes with DATABASE_URL (the pooler); set DATABASE_URL too',
      });
    }
    if (env.NODE_ENV === 'production' && env.SEED_DEMO) {
      ctx.addIssue({
        code: 'custom',
        path: ['SEED_DEMO'],
        message: 'the demo seed never runs in production',
      });
    }
  });

export type Env = z.output<typeof ZEnv> & { JWT_SECRET: string };

/**
 * In development the JWT secret is generated once and kept in DATA_DIR, so
 * sessions survive restarts without anyone configuring a secret.
 */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * A worker's share of SEARCH_CONCURRENCY: ⌊N ÷ workers⌋, at least one (so with more
 * workers than N the instance runs one per worker). Search is CPU work in
 * PostgreSQL, so the bound is the database's cores, not the number of workers
 * (measured: four per worker with two workers on 2 cores, p95 71.6 / 95.5 ms;
 * two per worker, 63.7 / 74.1 ms at the same throughput — docs/search.md).
 */
export function searchesPerProcess(env: Pick<Env, 'SEARCH_CONCURRENCY' | 'WEB_CONCURRENCY'>): number {
  return Math.max(1, Math.floor(env.SEARCH_CONCURRENCY / (env.WEB_CONCURRENCY ?? 1)));
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = ZEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const env = result.data;
  return { ...env, JWT_SECRET: env.JWT_SECRET ?? developmentSecret(env.DATA_DIR) };
}
