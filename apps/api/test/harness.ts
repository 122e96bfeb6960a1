/**
 * Start a real API (Fastify + tRPC + REST) on a free port over a test database
 * of its own, plus typed clients for it. Tests talk to it over real HTTP.
 */
import { createTestDatabase, type TestDatabase } from '@stockroom/db/testing';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { type RunningApi, startApi } from '../src/app.js';
import { loadEnv } from '../src/env.js';
import type { AppRouter } from '../src/index.js';

export interface TestApi extends RunningApi {
  database: TestDatabase;
  /** A typed client sending `token` as the bearer (none when omitted). */
  client(
    token?: string,
    options?: { batch?: boolean; headers?: Record<string, string> },
  ): ReturnType<typeof createTRPCClient<AppRouter>>;
  /** Sign in and return the session token. */
  login(email: string, password?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestApi(
  overrides: Record<string, string> = {},
  database?: TestDatabase,
): Promise<TestApi> {
  const db = database ?? (await createTestDatabase());
  const env = loadEnv({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    // With STOCKROOM_TEST_PGBOUNCER=1 the API goes through PgBouncer (transaction
    // pooling) and keeps a direct connection for LISTEN and migrations.
    DATABASE_URL: db.pooledUrl ?? db.url,
    ...(db.pooledUrl ? { DATABASE_DIRECT_URL: db.url } : {}),
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'true',
    SWEEP_INTERVAL_MS: '200',
    CONSOLE_DIST: '/nonexistent',
    ...overrides,
  });
  const api = await startApi(env);
  const client = (token?: string, options: { batch?: boolean; headers?: Record<string, string> } = {}) => {
    const link = options.batch ? httpBatchLink : httpLink;
    return createTRPCClient<AppRouter>({
      links: [
        link({
          url: `${api.url}/trpc`,
          headers: () => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers }),
        }),
      ],
    });
  };
  return {
    ...api,
    database: db,
    client,
    async login(email, password = 'stockroom') {
      const result = await client().auth.login.mutate({ email, password });
      return result.token;
    },
    async stop() {
      await api.close();
      if (!database) await db.destroy();
    },
  };
}

export const SERVICE_TOKEN = 'dev-service-token';

/** 'ok' when a call succeeds, else the appCode it was refused with. */
export async function appCodeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof TRPCClientError)
      return (error.data as { appCode?: string } | undefined)?.appCode ?? 'unknown';
    throw error;
  }
}
